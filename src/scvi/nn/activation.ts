/**
 * Activations: the `ReLU` module, and softmax / log-softmax along the last axis with
 * closed-form gradients.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Module } from "./module.js";

/**
 * The rectifier `max(x, 0)` as a module (PyTorch's `nn.ReLU`), so it can sit in a layer
 * stack. It has no parameters.
 */
export class ReLU extends Module {
  /** `max(x, 0)`. */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}
