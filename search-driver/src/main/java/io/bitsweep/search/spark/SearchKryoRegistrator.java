package io.bitsweep.search.spark;

import com.esotericsoftware.kryo.Kryo;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.space.Genome;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every type the search sends through Spark (broadcast population, shuffled tallies), because the session
 * runs with {@code spark.kryo.registrationRequired=true}: an unregistered class fails loudly instead of silently
 * writing its full class name into every record.
 */
public final class SearchKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(Genome.class);
        kryo.register(Genome[].class);
        kryo.register(CandidateTally.class);
        kryo.register(CandidateTally[].class);
        kryo.register(byte[].class);
        kryo.register(int[].class);
        kryo.register(long[].class);
        kryo.register(float[].class);
    }
}
