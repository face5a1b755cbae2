/**
 * `MultivariateNormal`: the Gaussian over R^n with a full covariance.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../backend/random.js";
import { broadcastShapes, broadcastTo, formatShape, toTensor, type TensorInput } from "../backend/tensor.js";
import { lowerCholesky, realVector, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { checkEventParam } from "./event-param-check.js";
import {
  batchMatMul,
  cholesky,
  choleskyInverse,
  logAbsDetTriangular,
  matrixTranspose,
  matVec,
  triangularInverse,
  triangularSolve,
} from "./linalg.js";
import { positiveDefinite } from "./positive-definite.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** One of the three ways to give a multivariate normal's spread (each `[..., n, n]`). */
export type MultivariateNormalScale =
  | {
      /** The lower Cholesky factor `L` of the covariance (`Σ = L Lᵀ`). */
      scaleTril: TensorInput;
    }
  | {
      /** The covariance matrix `Σ` (symmetric positive definite). */
      covarianceMatrix: TensorInput;
    }
  | {
      /** The precision matrix `Σ⁻¹` (symmetric positive definite). */
      precisionMatrix: TensorInput;
    };

/** Which matrix a multivariate normal was given. */
type Kind = "scaleTril" | "covarianceMatrix" | "precisionMatrix";

/**
 * `N(loc, Σ)` over R^n, with `Σ` given by its lower Cholesky factor `scaleTril` (`Σ = L Lᵀ`),
 * by `covarianceMatrix`, or by `precisionMatrix` (`Σ⁻¹`). `loc` is `[..., n]`, the matrix
 * `[..., n, n]`; their batch dimensions broadcast. The Cholesky factor is recomputed on each
 * call from the parameter as given, so gradients flow to whichever parameter was passed.
 *
 * `logProb` uses a triangular solve (no explicit inverse), `rsample` is `loc + L ε`.
 *
 * @example
 * ```ts
 * const d = new MultivariateNormal(tf.zeros([2]), { covarianceMatrix: [[2, 0.5], [0.5, 1]] });
 * const x = d.rsample([100]);        // [100, 2]
 * const lp = d.logProb(x);           // [100]
 * ```
 */
export class MultivariateNormal extends Distribution {
  /** The mean, `[..., n]`, as given. */
  readonly loc: tf.Tensor;
  /** Which matrix parameterises the spread. */
  readonly parameterization: Kind;
  private readonly matrix: tf.Tensor;

  constructor(loc: TensorInput, scale: MultivariateNormalScale, options: DistributionOptions = {}) {
    const kinds = (["scaleTril", "covarianceMatrix", "precisionMatrix"] as const).filter(
      (k) => (scale as Record<string, unknown>)[k] !== undefined,
    );
    if (kinds.length !== 1) {
      throw new Error(
        `MultivariateNormal: give exactly one of scaleTril, covarianceMatrix or precisionMatrix (got ${kinds.length === 0 ? "none" : kinds.join(", ")})`,
      );
    }
    const kind = kinds[0]!;
    const raw = (scale as Record<Kind, TensorInput>)[kind];
    const { batchShape, eventShape, locT, matrixT } = MultivariateNormal.shapes(loc, raw, kind);
    super(batchShape, eventShape, options);
    this.loc = locT;
    this.matrix = matrixT;
    this.parameterization = kind;
    this.checkParam("loc", this.loc, realVector);
    this.checkParam(kind, this.matrix, kind === "scaleTril" ? lowerCholesky : positiveDefinite);
  }

  private static shapes(loc: TensorInput, matrix: TensorInput, kind: Kind) {
    const locT = toTensor(loc, "loc", "MultivariateNormal");
    const matrixT = toTensor(matrix, kind, "MultivariateNormal");
    if (locT.rank < 1) throw new Error(`MultivariateNormal: parameter 'loc' must be at least a vector, got a scalar`);
    const n = locT.shape[locT.rank - 1]!;
    if (matrixT.rank < 2 || matrixT.shape[matrixT.rank - 1] !== n || matrixT.shape[matrixT.rank - 2] !== n) {
      throw new Error(
        `MultivariateNormal: parameter '${kind}' must have shape [..., ${n}, ${n}] to match 'loc' of shape ${formatShape(locT.shape)}, got ${formatShape(matrixT.shape)}`,
      );
    }
    const batchShape = broadcastShapes([locT.shape.slice(0, -1), matrixT.shape.slice(0, -2)], "MultivariateNormal(loc, " + kind + ")");
    return { batchShape, eventShape: [n], locT, matrixT };
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

  /**
   * The lower Cholesky factor of the covariance as computed from the parameter, without
   * broadcasting to `batchShape` (`[..., n, n]`); a new tensor owned by the caller.
   */
  choleskyFactor(): tf.Tensor {
    return tf.tidy(() => {
      switch (this.parameterization) {
        case "scaleTril":
          return tf.clone(this.matrix);
        case "covarianceMatrix":
          return cholesky(this.matrix);
        case "precisionMatrix": {
          // P = U Uᵀ with U = J chol(J P J) J upper triangular (J the reversal), so Σ = U⁻ᵀ U⁻¹
          // and L = U⁻ᵀ is lower triangular with a positive diagonal.
          const lf = cholesky(tf.reverse(this.matrix, [-2, -1]));
          const uT = matrixTranspose(tf.reverse(lf, [-2, -1]));
          return triangularInverse(uT);
        }
      }
    });
  }

  /** The lower Cholesky factor `L` of the covariance, `batchShape + [n, n]`. */
  get scaleTril(): tf.Tensor {
    return tf.tidy(() => broadcastTo(this.choleskyFactor(), [...this.batchShape, this.size, this.size]));
  }

  /** The covariance `Σ = L Lᵀ`, `batchShape + [n, n]`. */
  get covarianceMatrix(): tf.Tensor {
    return tf.tidy(() => {
      const m =
        this.parameterization === "covarianceMatrix"
          ? tf.clone(this.matrix)
          : (() => {
              const l = this.choleskyFactor();
              return batchMatMul(l, matrixTranspose(l));
            })();
      return broadcastTo(m, [...this.batchShape, this.size, this.size]);
    });
  }

  /** The precision `Σ⁻¹`, `batchShape + [n, n]`. */
  get precisionMatrix(): tf.Tensor {
    return tf.tidy(() => {
      const m = this.parameterization === "precisionMatrix" ? tf.clone(this.matrix) : choleskyInverse(this.choleskyFactor());
      return broadcastTo(m, [...this.batchShape, this.size, this.size]);
    });
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => broadcastTo(tf.clone(this.loc), this.shape()));
  }

  override get variance(): tf.Tensor {
    return tf.tidy(() => broadcastTo(tf.sum(tf.square(this.choleskyFactor()), -1), this.shape()));
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => {
      const eps = tf.randomNormal(this.shape(sampleShape), 0, 1, "float32", nextSeed());
      return tf.add(this.loc, matVec(this.choleskyFactor(), eps));
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      this.checkSupport(value);
      const l = this.choleskyFactor();
      const diff = tf.sub(value, this.loc);
      const z = triangularSolve(l, tf.expandDims(diff, -1)); // [..., n, 1]
      const maha = tf.sum(tf.square(z), [-2, -1]);
      const halfLogDet = logAbsDetTriangular(l);
      const lp = tf.sub(tf.mul(-0.5, tf.add(maha, this.size * LOG_2PI)), halfLogDet);
      const shape = broadcastShapes([lp.shape, this.batchShape], this.name);
      return broadcastTo(lp, shape);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const h = tf.add(logAbsDetTriangular(this.choleskyFactor()), 0.5 * this.size * (1 + LOG_2PI));
      return broadcastTo(h, this.batchShape);
    });
  }

  /** Broadcasts `loc` and the matrix to the larger batch shape (same parameterization). */
  override expand(batchShape: readonly number[]): Distribution {
    const n = this.size;
    const loc = broadcastTo(this.loc, [...batchShape, n]);
    const m = broadcastTo(this.matrix, [...batchShape, n, n]);
    return new MultivariateNormal(loc, { [this.parameterization]: m } as MultivariateNormalScale, {
      validateArgs: this.validateArgs,
    });
  }
}
