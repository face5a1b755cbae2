/**
 * scVI's encoder and decoder (src/scvi/nn) at the size of a training step: 128 cells × 2,000
 * genes, encoder 2000 → 128 → (10, 10), decoder 10 → 128 → 2000 (scale with softmax, zero-inflation
 * logits), BatchNorm in both, dropout 0.1 in the encoder — scvi-tools' defaults.
 *
 * `nn_vae_step` is one training step of the networks alone: forward, a scalar loss that uses
 * every output (a Poisson-style reconstruction term on pxRate, a term on pxDropout and the
 * Gaussian KL of q(z|x)), the gradient with respect to all parameters, and an SGD update (so the
 * weights change every step, as in training, and no matMul reuses packed weights).
 * bench/cases/nn_torch.py runs the same network, loss and step in PyTorch for comparison on the
 * same machine (the harness ignores it; run it by hand).
 *
 * `nn_vae_forward` is the forward pass in evaluation mode (inference: the latent means).
 */
const GENES = 2000;
const BATCH = 128;

async function build({ tf }) {
  const nn = await import(new URL("../../dist/scvi/nn/index.js", import.meta.url).href);
  const encoder = new nn.Encoder(GENES, 10);
  const decoder = new nn.DecoderSCVI(10, GENES, { useBatchNorm: true });
  const counts = tf.tidy(() =>
    tf.floor(tf.mul(tf.randomUniform([BATCH, GENES], 0, 1, "float32", 3), tf.randomUniform([BATCH, 1], 0, 8, "float32", 4))),
  );
  const x = tf.log1p(counts);
  const library = tf.tidy(() => tf.log(tf.add(tf.sum(counts, 1, true), 1)));
  const dispose = () => {
    tf.dispose([counts, x, library]);
    encoder.dispose();
    decoder.dispose();
  };
  return { encoder, decoder, counts, x, library, dispose };
}

export default [
  {
    name: "nn_vae_step",
    description: "encoder + decoder forward, loss, gradient of all parameters and an SGD update; 128 × 2,000",
    minTimeMs: 3000,
    async setup(ctx) {
      const { tf } = ctx;
      const net = await build(ctx);
      const vars = [...net.encoder.parameters(), ...net.decoder.parameters()];
      const loss = () => {
        const { qm, qv, latent } = net.encoder.forward(net.x);
        const { pxRate, pxDropout } = net.decoder.forward("gene", latent, net.library);
        const rec = tf.sum(tf.sub(pxRate, tf.mul(net.counts, tf.log(tf.add(pxRate, 1e-8)))));
        const zi = tf.sum(tf.mul(tf.sigmoid(pxDropout), 0.01));
        const kl = tf.mul(0.5, tf.sum(tf.sub(tf.add(qv, tf.square(qm)), tf.add(1, tf.log(qv)))));
        return tf.div(tf.add(tf.add(rec, zi), kl), BATCH);
      };
      return {
        n: BATCH,
        run: () =>
          tf.tidy(() => {
            const { value, grads } = tf.variableGrads(loss, vars);
            for (const v of vars) {
              const g = grads[v.name];
              if (g) v.assign(tf.sub(v, tf.mul(g, 1e-6)));
            }
            return value;
          }),
        dispose: net.dispose,
        meta: { parameters: vars.reduce((s, v) => s + v.size, 0) },
      };
    },
  },
  {
    name: "nn_vae_forward",
    description: "encoder + decoder forward in evaluation mode; 128 × 2,000",
    async setup(ctx) {
      const { tf } = ctx;
      const net = await build(ctx);
      net.encoder.eval();
      net.decoder.eval();
      return {
        n: BATCH,
        run: () =>
          tf.tidy(() => {
            const { qm, latent } = net.encoder.forward(net.x);
            const { pxRate, pxDropout } = net.decoder.forward("gene", latent, net.library);
            return [qm, pxRate, pxDropout];
          }),
        dispose: net.dispose,
      };
    },
  },
];
