/**
 * `LowRankMultivariateNormal`: a Gaussian over R^n with covariance `W Wᵀ + diag(D)`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../backend/random.js";
import { broadcastShapes, broadcastTo, formatShape, toTensor, type TensorInput } from "../backend/tensor.js";
import { independent, positive, real, realVector, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { checkEventParam } from "./event-param-check.js";
import { batchMatMul, cholesky, diagEmbed, logAbsDetTriangular, matrixTranspose, matVec, triangularSolve } from "./linalg.js";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * `N(loc, W Wᵀ + diag(D))` with `loc` `[..., n]`, `covFactor` W `[..., n, r]` and `covDiag`
 * D `[..., n]` (positive); batch dimensions broadcast. Densities cost O(n r²) instead of
 * O(n³): the Mahalanobis term uses the Woodbury identity and the log-determinant the matrix
 * determinant lemma, both through the Cholesky factor of the r × r "capacitance"
 * `I + Wᵀ D⁻¹ W` (as torch's `LowRankMultivariateNormal`).
 *
 * @example
 * ```ts
 * const d = new LowRankMultivariateNormal(tf.zeros([5]), tf.randomNormal([5, 2]), tf.ones([5]));
 * d.logProb(d.sample([10])); // [10]
 * ```
 */
export class LowRankMultivariateNormal extends Distribution {
  /** The mean, as given. */
  readonly loc: tf.Tensor;
  /** W, `[..., n, r]`, as given. */
  readonly covFactor: tf.Tensor;
  /** D, `[..., n]`, as given. */
  readonly covDiag: tf.Tensor;

  constructor(loc: TensorInput, covFactor: TensorInput, covDiag: TensorInput, options: DistributionOptions = {}) {
    const name = "LowRankMultivariateNormal";
    const l = toTensor(loc, "loc", name);
    const w = toTensor(covFactor, "covFactor", name);
    const d = toTensor(covDiag, "covDiag", name);
    if (l.rank < 1) throw new Error(`${name}: parameter 'loc' must be at least a vector, got a scalar`);
    const n = l.shape[l.rank - 1]!;
    if (w.rank < 2 || w.shape[w.rank - 2] !== n) {
      throw new Error(`${name}: parameter 'covFactor' must have shape [..., ${n}, rank] to match 'loc' of shape ${formatShape(l.shape)}, got ${formatShape(w.shape)}`);
    }
    if (d.rank < 1 || d.shape[d.rank - 1] !== n) {
      throw new Error(`${name}: parameter 'covDiag' must have shape [..., ${n}] to match 'loc' of shape ${formatShape(l.shape)}, got ${formatShape(d.shape)}`);
    }
    const batchShape = broadcastShapes([l.shape.slice(0, -1), w.shape.slice(0, -2), d.shape.slice(0, -1)], name);
    super(batchShape, [n], options);
    this.loc = l;
    this.covFactor = w;
    this.covDiag = d;
    this.checkParam("loc", l, realVector);
    this.checkParam("covFactor", w, independent(real, 2));
    this.checkParam("covDiag", d, independent(positive, 1));
  }

  get support(): Constraint {
    return realVector;
  }

  /** Validates per event (the base class' check is elementwise). */
  protected override checkParam(name: string, value: tf.Tensor, constraint: Constraint): void {
    if (this.validateArgs) checkEventParam(this.name, name, value, constraint);
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** The event size n. */
  get size(): number {
    return this.eventShape[0]!;
  }

  /** The rank r of the low-rank part. */
  get rank(): number {
    return this.covFactor.shape[this.covFactor.rank - 1]!;
  }

  /** Lower Cholesky factor of the capacitance `I_r + Wᵀ D⁻¹ W`, `[..., r, r]`. */
  capacitanceTril(): tf.Tensor {
    return tf.tidy(() => {
      const wt = matrixTranspose(this.covFactor);
      const wtDinvW = batchMatMul(tf.div(wt, tf.expandDims(this.covDiag, -2)), this.covFactor);
      return cholesky(tf.add(wtDinvW, tf.eye(this.rank)));
    });
  }

  /** `log det(W Wᵀ + D) = 2 Σ log diag(chol capacitance) + Σ log D`, unbroadcast. */
  private logDet(capTril: tf.Tensor): tf.Tensor {
    return tf.add(tf.mul(2, logAbsDetTriangular(capTril)), tf.sum(tf.log(this.covDiag), -1));
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => broadcastTo(tf.clone(this.loc), this.shape()));
  }

  override get variance(): tf.Tensor {
    return tf.tidy(() => broadcastTo(tf.add(tf.sum(tf.square(this.covFactor), -1), this.covDiag), this.shape()));
  }

  /** `W Wᵀ + diag(D)`, `batchShape + [n, n]`. */
  get covarianceMatrix(): tf.Tensor {
    return tf.tidy(() => {
      const m = tf.add(batchMatMul(this.covFactor, matrixTranspose(this.covFactor)), diagEmbed(this.covDiag));
      return broadcastTo(m, [...this.batchShape, this.size, this.size]);
    });
  }

  /** `(W Wᵀ + D)⁻¹ = D⁻¹ - D⁻¹ W C⁻¹ Wᵀ D⁻¹` (Woodbury), `batchShape + [n, n]`. */
  get precisionMatrix(): tf.Tensor {
    return tf.tidy(() => {
      const capTril = this.capacitanceTril();
      const dinv = tf.reciprocal(this.covDiag);
      // A = C_tril⁻¹ Wᵀ D⁻¹, [..., r, n]; precision = D⁻¹ - Aᵀ A.
      const a = triangularSolve(capTril, tf.mul(matrixTranspose(this.covFactor), tf.expandDims(dinv, -2)));
      const m = tf.sub(diagEmbed(dinv), batchMatMul(matrixTranspose(a), a));
      return broadcastTo(m, [...this.batchShape, this.size, this.size]);
    });
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const s = [...sampleShape, ...this.batchShape];
      const epsW = tf.randomNormal([...s, this.rank], 0, 1, "float32", nextSeed());
      const epsD = tf.randomNormal([...s, this.size], 0, 1, "float32", nextSeed());
      return tf.add(tf.add(this.loc, matVec(this.covFactor, epsW)), tf.mul(tf.sqrt(this.covDiag), epsD));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      this.checkSupport(value);
      const capTril = this.capacitanceTril();
      const diff = tf.sub(value, this.loc);
      const dinvDiff = tf.div(diff, this.covDiag);
      // Woodbury: diffᵀ Σ⁻¹ diff = diffᵀ D⁻¹ diff - |C_tril⁻¹ Wᵀ D⁻¹ diff|².
      const wtDinvDiff = matVec(matrixTranspose(this.covFactor), dinvDiff); // [..., r]
      const z = triangularSolve(capTril, tf.expandDims(wtDinvDiff, -1));
      const maha = tf.sub(tf.sum(tf.mul(diff, dinvDiff), -1), tf.sum(tf.square(z), [-2, -1]));
      const lp = tf.mul(-0.5, tf.add(tf.add(maha, this.logDet(capTril)), this.size * LOG_2PI));
      return broadcastTo(lp, broadcastShapes([lp.shape, this.batchShape], this.name));
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const h = tf.mul(0.5, tf.add(this.logDet(this.capacitanceTril()), this.size * (1 + LOG_2PI)));
      return broadcastTo(h, this.batchShape);
    });
  }

  /** Broadcasts the parameters to the larger batch shape. */
  override expand(batchShape: readonly number[]): Distribution {
    const n = this.size;
    return new LowRankMultivariateNormal(
      broadcastTo(this.loc, [...batchShape, n]),
      broadcastTo(this.covFactor, [...batchShape, n, this.rank]),
      broadcastTo(this.covDiag, [...batchShape, n]),
      { validateArgs: this.validateArgs },
    );
  }
}
