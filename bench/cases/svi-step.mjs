/**
 * One SVI step of the smallest useful model: loc ~ Normal(0, 1), x_i ~ Normal(loc, 1) for two
 * observed points in a plate; guide Normal(m, s) with params m (real) and s (positive); TraceELBO
 * with one particle and Adam. This measures the fixed cost of a step (handler stack, traces,
 * tape, optimizer) rather than arithmetic: Pyro 1.8.4 on PyTorch 1.13 takes about 2 ms per step
 * on the machine this was written on.
 *
 * `meta.kernels_per_step` counts the tfjs kernels one step dispatches.
 */
export default [
  {
    name: "svi_step_normal_2pts",
    description: "SVI step (TraceELBO, 1 particle, Adam) of a Normal–Normal model with two data points",
    minTimeMs: 2000,
    warmupIters: 20,
    async setup({ tf }) {
      const ppl = await import(new URL("../../dist/ppl/index.js", import.meta.url).href);
      const infer = await import(new URL("../../dist/infer/index.js", import.meta.url).href);
      const dists = await import(new URL("../../dist/distributions/index.js", import.meta.url).href);
      const data = tf.tensor1d([0.3, -0.4]);
      const store = new ppl.ParamStore();
      const model = (x) => {
        const loc = ppl.sample("loc", new dists.Normal(0, 1));
        ppl.plate("data", 2, () => ppl.sample("x", new dists.Normal(loc, 1), { obs: x }));
      };
      const guide = () => {
        const m = ppl.param("m", tf.scalar(0));
        const s = ppl.param("s", tf.scalar(1), { constraint: dists.constraints.positive });
        ppl.sample("loc", new dists.Normal(m, s));
      };
      const svi = new infer.SVI(model, guide, new infer.Adam({ lr: 0.01 }), new infer.TraceELBO(), { store });
      svi.step(data);
      const profile = await tf.profile(() => {
        svi.step(data);
      });
      return {
        n: 2,
        run: () => {
          svi.step(data);
        },
        dispose: () => {
          store.clear();
          data.dispose();
        },
        meta: { kernels_per_step: profile.kernels.length },
      };
    },
  },
];
