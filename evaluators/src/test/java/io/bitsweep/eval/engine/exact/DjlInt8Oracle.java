package io.bitsweep.eval.engine.exact;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** DJL's TFLite 2.6.2 interpreter run on raw int8 input bytes: the reference the exact engine must equal. */
public final class DjlInt8Oracle implements AutoCloseable {
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final NDManager manager;
    private final Shape inputShape;

    public DjlInt8Oracle(Path tflite, long[] inputShape) throws Exception {
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(tflite).optEngine("TFLite").build();
        this.model = criteria.loadModel();
        this.predictor = model.newPredictor();
        this.manager = model.getNDManager().newSubManager();
        this.inputShape = new Shape(inputShape);
    }

    public byte[] run(byte[] int8Input) throws Exception {
        try (NDManager m = manager.newSubManager()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(int8Input.length).order(ByteOrder.nativeOrder());
            buf.put(int8Input).flip();
            NDArray x = m.create(buf, inputShape, DataType.INT8);
            NDList out = predictor.predict(new NDList(x));
            ByteBuffer b = out.get(0).toByteBuffer();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        }
    }

    @Override
    public void close() {
        predictor.close();
        manager.close();
        model.close();
    }
}
