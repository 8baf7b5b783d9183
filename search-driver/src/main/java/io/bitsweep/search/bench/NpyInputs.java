package io.bitsweep.search.bench;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.TensorLayout;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Model inputs from one .npy file, for {@code bitsweep bench --data X.npy} on models that have no labelled data set
 * here (the generated ImageNet-architecture models and their {@code inputs_f32.npy}): an array [N, ...] of float32
 * (or integer, converted to float) whose rows are model inputs in the model's declared layout, NHWC for TFLite and
 * NCHW for ONNX, as the model's own runtime takes them. Bench times inferences and calibrates candidates on them; it
 * never scores, so these inputs carry no labels and no task.
 */
public final class NpyInputs implements LabelledSamples {
    private final float[][] rows;

    private NpyInputs(float[][] rows) {
        this.rows = rows;
    }

    /** Reads {@code file} as inputs of {@code model}; a row whose size is not the model's input is a one-line error. */
    public static NpyInputs read(Path file, Model model) {
        Npy.Array a = Npy.read(file);
        int[] ir = model.input().shape();
        int size = Arrays.stream(ir).skip(1).reduce(1, Math::multiplyExact);
        if (a.shape().length < 2 || a.shape()[0] < 1 || a.count() != (long) a.shape()[0] * size) {
            throw new BitSweepException(file + ": shape " + Arrays.toString(a.shape()) + " is not [N, "
                    + dims(model.inputLayout().declaredShape(ir)) + "] (N >= 1 inputs of the model, in its "
                    + model.inputLayout() + " layout)");
        }
        float[] all = a.toFloats();
        float[][] rows = new float[a.shape()[0]][size];
        float[] declared = new float[size];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(all, i * size, declared, 0, size);
            model.inputLayout().toNhwc(declared, ir, rows[i]);
        }
        return new NpyInputs(rows);
    }

    private static String dims(int[] shape) {
        return String.join(", ", Arrays.stream(shape).skip(1).mapToObj(Integer::toString).toList());
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int inputsPerSample() {
        return 1;
    }

    @Override
    public int inputSize() {
        return rows[0].length;
    }

    @Override
    public void input(int sample, int window, float[] dst) {
        System.arraycopy(rows[sample], 0, dst, 0, dst.length);
    }

    @Override
    public TaskKind kind() {
        throw new UnsupportedOperationException("bench inputs from a .npy file have no task: they are never scored");
    }

    @Override
    public int label(int sample) {
        throw new UnsupportedOperationException("bench inputs from a .npy file have no labels: they are never scored");
    }
}
