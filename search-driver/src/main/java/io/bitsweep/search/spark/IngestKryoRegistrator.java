package io.bitsweep.search.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.bitsweep.eval.data.images.ImageShardResult;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * What an image-folder conversion sends through Spark's serializer: the shard indices (Integer, registered by Kryo
 * itself) and each task's result. The result is a record, which Kryo's field serializer cannot rebuild (record
 * fields are final), so it goes through Java serialization, which calls the canonical constructor.
 */
public final class IngestKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(ImageShardResult.class, new JavaSerializer());
        kryo.register(Object[].class);
    }
}
