package io.bitsweep.eval.djl;

import ai.djl.ModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The reference: a .tflite file run by DJL's TFLite engine (TFLite 2.6.2 native, as DJL 0.27.0 ships it). Float
 * models take and give floats. For int8 models the float input is quantized with the model's input parameters
 * (round half away from zero, clamp to [-128, 127]), the int8 output bytes are kept for {@link #rawOutput()} and
 * dequantized with the output parameters.
 */
// Our Predictor by its full name: DJL's ai.djl.inference.Predictor is the one imported.
public final class DjlTflitePredictor implements io.bitsweep.eval.engine.Predictor {
    private final Path file;
    private final ZooModel<NDList, NDList> zoo;
    private final Predictor<NDList, NDList> predictor;
    private final NDManager manager;
    private final Shape inputShape;
    private final int inputSize;
    private final int outputSize;
    private final QuantParams inputQuant;
    private final QuantParams outputQuant;
    private final ByteBuffer int8Input;
    private byte[] rawOutput;

    private DjlTflitePredictor(Path file, Model ir) {
        this.file = file;
        Tensor in = ir.input();
        Tensor out = ir.output();
        this.inputShape = new Shape(Arrays.stream(in.shape()).asLongStream().toArray());
        this.inputSize = (int) in.elementCount();
        this.outputSize = (int) out.elementCount();
        this.inputQuant = quantOf(in);
        this.outputQuant = quantOf(out);
        this.int8Input = inputQuant == null ? null : ByteBuffer.allocateDirect(inputSize).order(ByteOrder.nativeOrder());
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file)
                .optEngine("TFLite")
                .optTranslator(new NoopTranslator())
                .build();
        try {
            this.zoo = criteria.loadModel();
        } catch (ModelException | IOException e) {
            throw new BitSweepException("DJL TFLite cannot load model " + file + ": " + e.getMessage(), e);
        }
        this.predictor = zoo.newPredictor();
        this.manager = zoo.getNDManager().newSubManager();
    }

    /** Opens a model file; its parameters (input shape, int8 quantization) come from our importer. */
    public static DjlTflitePredictor open(Path file) {
        return new DjlTflitePredictor(file, TfliteImporter.load(file));
    }

    private QuantParams quantOf(Tensor t) {
        if (t.dtype() == DType.FLOAT32) {
            return null;
        }
        if (t.dtype() != DType.INT8 || t.quant().isEmpty()) {
            throw new BitSweepException("model " + file + " tensor " + t.name() + " is " + t.dtype().label()
                    + " (the DJL reference supports float32 and quantized int8 inputs and outputs)");
        }
        return t.quant().get();
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    public void predict(float[] input, float[] out) {
        if (input.length != inputSize || out.length != outputSize) {
            throw new IllegalArgumentException("model " + file + " takes " + inputSize + " inputs and gives "
                    + outputSize + " outputs, got arrays of " + input.length + " and " + out.length);
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray x = inputQuant == null ? m.create(input, inputShape) : m.create(quantize(input), inputShape, DataType.INT8);
            NDList result = predictor.predict(new NDList(x));
            NDArray y = result.get(0);
            if (outputQuant == null) {
                System.arraycopy(y.toFloatArray(), 0, out, 0, outputSize);
                rawOutput = null;
            } else {
                // DJL reports int8 outputs with a null dtype; the bytes are right.
                ByteBuffer bytes = y.toByteBuffer();
                rawOutput = new byte[outputSize];
                bytes.get(rawOutput);
                float scale = outputQuant.scale(0);
                long zp = outputQuant.zeroPoint(0);
                for (int i = 0; i < outputSize; i++) {
                    out[i] = scale * (rawOutput[i] - zp);
                }
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("DJL TFLite failed on model " + file + ": " + e.getMessage(), e);
        }
    }

    private ByteBuffer quantize(float[] input) {
        float scale = inputQuant.scale(0);
        long zp = inputQuant.zeroPoint(0);
        int8Input.clear();
        for (float v : input) {
            float x = v / scale;
            long q = (long) (Math.signum(x) * Math.floor(Math.abs(x) + 0.5f)) + zp;
            int8Input.put((byte) Math.min(Math.max(q, -128), 127));
        }
        return int8Input.flip();
    }

    @Override
    public byte[] rawOutput() {
        return rawOutput == null ? null : rawOutput.clone();
    }

    @Override
    public void close() {
        manager.close();
        predictor.close();
        zoo.close();
    }
}
