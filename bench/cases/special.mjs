/**
 * Special functions at the size scVI's ZINB log-likelihood uses them: 128 cells × 2,000 genes.
 */
const SHAPE = [128, 2000];

/** Arguments like those of lgamma in a ZINB likelihood: counts + θ, θ, counts + 1 (log-uniform 1e-2 … 1e3). */
function logUniform(tf) {
  return tf.tidy(() => tf.exp(tf.randomUniform(SHAPE, Math.log(1e-2), Math.log(1e3), "float32", 1)));
}

export default [
  {
    name: "lgamma_fwd_bwd",
    description: "sum(lgamma(x)) and its gradient digamma(x), 256,000 elements",
    async setup({ tf, lib }) {
      const x = logUniform(tf);
      const f = tf.grad((t) => tf.sum(lib.lgamma(t)));
      return { n: x.size, run: () => f(x), dispose: () => x.dispose() };
    },
  },
  {
    name: "lgamma_fwd",
    description: "lgamma(x), 256,000 elements",
    async setup({ tf, lib }) {
      const x = logUniform(tf);
      return { n: x.size, run: () => lib.lgamma(x), dispose: () => x.dispose() };
    },
  },
  {
    name: "digamma_fwd",
    description: "digamma(x), 256,000 elements",
    async setup({ tf, lib }) {
      const x = logUniform(tf);
      return { n: x.size, run: () => lib.digamma(x), dispose: () => x.dispose() };
    },
  },
];
