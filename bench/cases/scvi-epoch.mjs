/**
 * One scVI training epoch on the synthetic data of the PyTorch reference
 * (`bench/reference/torch_scvi_reference.py --synthetic 10000x2000`): 10,000 cells × 2,000 genes
 * from the same low-rank negative-binomial model (`syntheticReferenceCounts`, a port of the
 * script's generator), scvi-tools' defaults (1 hidden layer of 128, 10 latents, ZINB, gene
 * dispersion, Adam lr 1e-3 eps 0.01 weight decay 1e-6), batch size 128, 90/10 split: 71 steps
 * per epoch. One iteration is one epoch of `Trainer.fit` over the training split (no
 * validation pass: the reference does not time its validation either).
 *
 * Cases, in this order:
 * - `scvi_epoch_torch_<k>threads`: the PyTorch reference with k threads (default 2 and 1;
 *   `SCVI_TS_BENCH_TORCH_THREADS=2` for one run), run once by `SCVI_TS_BENCH_PYTHON`
 *   (default /usr/bin/python3); its own per-epoch wall and CPU times are reported. It fails with
 *   a message naming the interpreter when torch is missing; the other cases then report no ratio.
 * - `scvi_epoch_vae`: `new SCVI(adata, { moduleType: "vae" })`.
 * - `scvi_epoch_pyro`: `new SCVI(adata, { moduleType: "pyro" })`.
 *
 * The scVI lines carry `torch_epoch_s` (the reference's median epoch with the first thread count)
 * and `ratio_vs_torch` (our wall time per epoch over it), `ratio_cpu_vs_torch_1thread` (our CPU time
 * over the single-threaded reference's CPU time: the fairer number on a loaded machine, since the
 * WebAssembly backend runs on one thread), `ratio_vs_best_torch` (our wall time over the faster
 * reference run's), and the Pyro line `ratio_vs_vae` (wall and CPU).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const CELLS = 10000;
const GENES = 2000;
const BATCH_SIZE = 128;
const SEED = 0;
const SCRIPT = fileURLToPath(new URL("../reference/torch_scvi_reference.py", import.meta.url));
const PYTHON = process.env.SCVI_TS_BENCH_PYTHON ?? "/usr/bin/python3";
const TORCH_THREADS = (process.env.SCVI_TS_BENCH_TORCH_THREADS ?? "2,1").split(",").map(Number);

const round = (x, digits = 3) => (x === null || x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Results shared by the cases of one process (they run in file order). */
const results = { torch: new Map(), vae: undefined };

/** Runs the reference once per thread count (memoized); resolves to its JSON or an { error }. */
function torchReference(threads) {
  if (!results.torch.has(threads)) {
    const args = [SCRIPT, "--synthetic", `${CELLS}x${GENES}`, "--epochs", "3", "--threads", String(threads), "--seed", String(SEED)];
    results.torch.set(
      threads,
      new Promise((resolve) => {
        execFile(PYTHON, args, { maxBuffer: 1 << 24, timeout: 30 * 60 * 1000 }, (err, stdout, stderr) => {
          if (err) {
            const why = /No module named '?torch/.test(stderr) ? `${PYTHON} cannot import torch` : (stderr.trim().split("\n").pop() ?? err.message);
            resolve({ error: `PyTorch reference unavailable: ${why}` });
            return;
          }
          const line = stdout.trim().split("\n").pop();
          try {
            resolve(JSON.parse(line));
          } catch {
            resolve({ error: `PyTorch reference printed no JSON: ${line}` });
          }
        });
      }),
    );
  }
  return results.torch.get(threads);
}

let data;
/** The AnnData of the benchmark (generated once per process, ~1–3 s). */
async function referenceData() {
  if (!data) {
    const { syntheticReferenceAnnData } = await import(new URL("../../dist/scvi/data/synthetic.js", import.meta.url).href);
    data = syntheticReferenceAnnData(CELLS, GENES, { seed: SEED });
  }
  return data;
}

/**
 * An SCVI whose `train()` builds the splitter, plan and trainer exactly as for users (the class
 * hooks) but does not run them, so that the bench can run one epoch per iteration on the same
 * plan and optimizer state.
 */
async function captureTraining(moduleType) {
  const { SCVI } = await import(new URL("../../dist/scvi/model/scvi.js", import.meta.url).href);
  const { TrainRunner } = await import(new URL("../../dist/scvi/train/train-runner.js", import.meta.url).href);
  const captured = {};
  class CapturingRunner extends TrainRunner {
    run() {
      captured.runner = this;
      captured.train = this.splitter.trainDataloader();
      this.plan.nObsTraining = captured.train.nObs;
      this.plan.nObsValidation = this.splitter.validationDataloader()?.nObs ?? 0;
      return { history: {}, epochs: 0, secondsPerEpoch: 0 };
    }
  }
  class BenchSCVI extends SCVI {
    static trainRunnerClass = CapturingRunner;
  }
  const adata = await referenceData();
  BenchSCVI.setupAnndata(adata);
  const model = new BenchSCVI(adata, { moduleType });
  await model.train({ maxEpochs: 1, batchSize: BATCH_SIZE, enableProgressBar: false, seed: SEED });
  return { model, ...captured };
}

function scviCase(moduleType) {
  return {
    name: `scvi_epoch_${moduleType}`,
    description: `one epoch of SCVI (moduleType "${moduleType}") on ${CELLS} x ${GENES} synthetic counts, batch ${BATCH_SIZE}`,
    backends: ["wasm", "tensorflow"],
    minTimeMs: 0,
    minIters: 3,
    maxIters: 3,
    warmupIters: 1,
    async setup({ tf }) {
      const { withParamStore } = await import(new URL("../../dist/ppl/param-store.js", import.meta.url).href);
      const { model, runner, train } = await captureTraining(moduleType);
      const timings = [];
      const run = () => {
        const wall = performance.now();
        const cpu = process.cpuUsage();
        withParamStore(model.paramStore, () => runner.trainer.fit(runner.plan, train));
        const used = process.cpuUsage(cpu);
        timings.push({ wall: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 });
      };
      const meta = {
        cells: CELLS,
        genes: GENES,
        batch_size: BATCH_SIZE,
        steps_per_epoch: train.length,
      };
      return {
        n: train.nObs,
        run,
        dispose: () => model.module.dispose?.(),
        // Filled in after the timed epochs (the harness reads meta after measuring).
        get meta() {
          const timed = timings.slice(1); // the first is the warm-up
          const wall = median(timed.map((t) => t.wall));
          const cpu = median(timed.map((t) => t.cpu));
          const out = { ...meta, epoch_s: round(wall), epoch_cpu_s: round(cpu) };
          const [first] = TORCH_THREADS;
          const ref = results.torchResolved?.get(first);
          const single = results.torchResolved?.get(1);
          out.torch_epoch_s = ref && !ref.error ? round(ref.median_epoch_s) : null;
          out.ratio_vs_torch = out.torch_epoch_s ? round(wall / ref.median_epoch_s, 2) : null;
          out.ratio_cpu_vs_torch_1thread = single && !single.error ? round(cpu / single.median_epoch_cpu_s, 2) : null;
          // Against the faster reference run: 2 OpenMP threads on a loaded 2-core machine can be
          // 25x slower than 1 thread (the threads spin on each other), which would flatter us.
          const walls = [...(results.torchResolved?.values() ?? [])].filter((r) => !r.error).map((r) => r.median_epoch_s);
          out.ratio_vs_best_torch = walls.length ? round(wall / Math.min(...walls), 2) : null;
          if (moduleType === "vae") results.vae = { wall, cpu };
          else if (results.vae) {
            out.ratio_vs_vae = round(wall / results.vae.wall, 2);
            out.ratio_cpu_vs_vae = round(cpu / results.vae.cpu, 2);
          }
          out.tensors_after = tf.memory().numTensors;
          return out;
        },
      };
    },
  };
}

function torchCase(threads) {
  return {
    name: `scvi_epoch_torch_${threads}thread${threads === 1 ? "" : "s"}`,
    description: `the PyTorch reference scVI (${threads} thread(s)) on the same synthetic data, 3 epochs`,
    backends: ["wasm"],
    async setup() {
      const ref = await torchReference(threads);
      results.torchResolved ??= new Map();
      results.torchResolved.set(threads, ref);
      if (ref.error) throw new Error(ref.error);
      const ms = (s) => round(s * 1000);
      return {
        n: Math.ceil(0.9 * CELLS),
        run: () => {},
        // Timed by the script itself: per-epoch wall (perf_counter) and CPU (process_time).
        timing: {
          ms_per_iter: ms(ref.epoch_s.reduce((a, b) => a + b, 0) / ref.epoch_s.length),
          median_ms: ms(ref.median_epoch_s),
          min_ms: ms(Math.min(...ref.epoch_s)),
          cpu_ms_per_iter: ms(ref.median_epoch_cpu_s),
          iters: ref.epoch_s.length,
          leaked_tensors: 0,
        },
        meta: {
          cells: ref.cells,
          genes: ref.genes,
          batch_size: BATCH_SIZE,
          steps_per_epoch: ref.steps_per_epoch,
          threads: ref.threads,
          torch: ref.torch,
          epoch_s: round(ref.median_epoch_s),
          epoch_cpu_s: round(ref.median_epoch_cpu_s),
        },
      };
    },
  };
}

export default [...TORCH_THREADS.map(torchCase), scviCase("vae"), scviCase("pyro")];
