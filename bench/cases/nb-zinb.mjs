/**
 * scVI's reconstruction term at the size of one training step: the negative binomial and
 * zero-inflated negative binomial log-likelihoods of 128 cells × 2,000 genes, with a per-gene
 * dispersion θ of shape [2000], forward and backward (gradients in μ, θ and the zero-inflation
 * logits), as `SCVI` computes them every step. A baseline evaluates scvi-tools' textbook formula
 * (`log_zinb_positive`) with the library's lgamma/softplus, for comparison.
 */
const CELLS = 128;
const GENES = 2000;

/** Sparse-ish counts (about 55% zeros, a tail to ~30), means log-uniform on [1e-2, 1e2], θ on [0.1, 100]. */
function inputs(tf) {
  return tf.tidy(() => {
    const u = tf.randomUniform([CELLS, GENES], 0, 1, "float32", 1);
    const x = tf.floor(tf.mul(tf.pow(u, 4), 30));
    const mu = tf.exp(tf.randomUniform([CELLS, GENES], Math.log(1e-2), Math.log(1e2), "float32", 2));
    const theta = tf.exp(tf.randomUniform([GENES], Math.log(0.1), Math.log(100), "float32", 3));
    const zi = tf.randomNormal([CELLS, GENES], -1, 1.5, "float32", 4);
    return { x, mu, theta, zi };
  });
}

function disposeAll(t) {
  for (const v of Object.values(t)) v.dispose();
}

const meta = { shape: `${CELLS}x${GENES}`, theta: `[${GENES}]` };

export default [
  {
    name: "nb_logprob_fwd_bwd",
    description: "sum(NegativeBinomial({mu, theta}).logProb(x)) and its gradients in mu and theta",
    minTimeMs: 2000,
    async setup({ tf, lib }) {
      const t = inputs(tf);
      const f = tf.grads((mu, theta) => tf.sum(new lib.NegativeBinomial({ mu, theta, validateArgs: false }).logProb(t.x)));
      return { n: t.x.size, run: () => f([t.mu, t.theta]), dispose: () => disposeAll(t), meta };
    },
  },
  {
    name: "zinb_logprob_fwd_bwd",
    description: "sum(ZeroInflatedNegativeBinomial({mu, theta, ziLogits}).logProb(x)) and its gradients in mu, theta, ziLogits",
    minTimeMs: 2000,
    async setup({ tf, lib }) {
      const t = inputs(tf);
      const f = tf.grads((mu, theta, zi) =>
        tf.sum(new lib.ZeroInflatedNegativeBinomial({ mu, theta, ziLogits: zi, validateArgs: false }).logProb(t.x)),
      );
      return { n: t.x.size, run: () => f([t.mu, t.theta, t.zi]), dispose: () => disposeAll(t), meta };
    },
  },
  {
    name: "zinb_logprob_fwd",
    description: "ZeroInflatedNegativeBinomial({mu, theta, ziLogits}).logProb(x), forward only",
    async setup({ tf, lib }) {
      const t = inputs(tf);
      const run = () => new lib.ZeroInflatedNegativeBinomial({ mu: t.mu, theta: t.theta, ziLogits: t.zi, validateArgs: false }).logProb(t.x);
      return { n: t.x.size, run, dispose: () => disposeAll(t), meta };
    },
  },
  {
    name: "zinb_scvi_formula_fwd_bwd",
    description: "baseline: scvi-tools' log_zinb_positive written with the library's lgamma/softplus, autodiff gradients",
    minTimeMs: 2000,
    async setup({ tf, lib }) {
      const t = inputs(tf);
      const eps = 1e-8;
      const logZinbPositive = (mu, theta, pi) => {
        const softplusPi = lib.softplus(tf.neg(pi));
        const logThetaMu = tf.log(tf.add(tf.add(theta, mu), eps));
        const piThetaLog = tf.add(tf.neg(pi), tf.mul(theta, tf.sub(tf.log(tf.add(theta, eps)), logThetaMu)));
        const caseZero = tf.mul(tf.sub(lib.softplus(piThetaLog), softplusPi), tf.cast(tf.less(t.x, eps), "float32"));
        const nonZero = tf
          .sub(piThetaLog, softplusPi)
          .add(tf.mul(t.x, tf.sub(tf.log(tf.add(mu, eps)), logThetaMu)))
          .add(lib.lgamma(tf.add(t.x, theta)))
          .sub(lib.lgamma(theta))
          .sub(lib.lgamma(tf.add(t.x, 1)));
        return tf.add(caseZero, tf.mul(nonZero, tf.cast(tf.greater(t.x, eps), "float32")));
      };
      const f = tf.grads((mu, theta, zi) => tf.sum(logZinbPositive(mu, theta, zi)));
      return { n: t.x.size, run: () => f([t.mu, t.theta, t.zi]), dispose: () => disposeAll(t), meta };
    },
  },
];
