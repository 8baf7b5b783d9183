/**
 * The model IR every engine, the hardware simulator and the search read: {@link io.bitsweep.eval.model.Model} holds
 * {@link io.bitsweep.eval.model.Tensor}s (shape, dtype, optional per-tensor or per-channel
 * {@link io.bitsweep.eval.model.QuantParams}, raw constant data) and {@link io.bitsweep.eval.model.Op}s in execution
 * order with stable layer names. All types are immutable.
 */
package io.bitsweep.eval.model;
