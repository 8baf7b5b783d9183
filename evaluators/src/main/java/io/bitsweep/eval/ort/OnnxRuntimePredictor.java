package io.bitsweep.eval.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.model.TensorLayout;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The ONNX reference: ONNX Runtime's Java API (CPU, one intra-op thread) running the .onnx file itself, as DJL serves
 * TFLite. Like every {@link Predictor} it takes NHWC samples (the data sets' and the IR's layout) and converts them
 * to the layout the model declares (NCHW for a rank-4 input); a rank-4 output is converted back to NHWC, so its
 * outputs compare element for element with the float engine's.
 */
public final class OnnxRuntimePredictor implements Predictor {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final int[] irInputShape;
    private final int[] irOutputShape;
    private final float[] declared;
    private final float[] output;

    private OnnxRuntimePredictor(Path file) throws OrtException {
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            this.session = env.createSession(file.toString(), options);
        }
        Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
        this.inputName = in.getKey();
        this.inputShape = ((TensorInfo) in.getValue().getInfo()).getShape();
        if (inputShape.length > 0 && inputShape[0] < 1) {
            inputShape[0] = 1; // a symbolic batch
        }
        this.irInputShape = nhwc(inputShape);
        long[] out = ((TensorInfo) session.getOutputInfo().values().iterator().next().getInfo()).getShape();
        if (out.length > 0 && out[0] < 1) {
            out[0] = 1;
        }
        this.irOutputShape = nhwc(out);
        this.declared = new float[Arrays.stream(irInputShape).reduce(1, (a, b) -> a * b)];
        this.output = new float[Arrays.stream(irOutputShape).reduce(1, (a, b) -> a * b)];
    }

    /** Opens an .onnx file (external data is read from beside it). */
    public static OnnxRuntimePredictor open(Path file) {
        try {
            return new OnnxRuntimePredictor(file);
        } catch (OrtException e) {
            throw new BitSweepException("ONNX Runtime cannot load model " + file + ": " + e.getMessage(), e);
        }
    }

    private static int[] nhwc(long[] shape) {
        int[] s = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
        return s.length == 4 ? new int[] {s[0], s[2], s[3], s[1]} : s;
    }

    @Override
    public int outputSize() {
        return output.length;
    }

    @Override
    public void predict(float[] nhwcInput, float[] out) {
        TensorLayout.NCHW.fromNhwc(nhwcInput, irInputShape, declared);
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(declared), inputShape);
             OrtSession.Result r = session.run(Map.of(inputName, x))) {
            FloatBuffer y = ((OnnxTensor) r.get(0)).getFloatBuffer();
            y.get(output);
        } catch (OrtException e) {
            throw new BitSweepException("ONNX Runtime failed: " + e.getMessage(), e);
        }
        TensorLayout.NCHW.toNhwc(output, irOutputShape, out);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new BitSweepException("ONNX Runtime: " + e.getMessage(), e);
        }
    }
}
