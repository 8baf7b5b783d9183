package io.bitsweep.search.spark;

import io.bitsweep.search.provenance.BuildInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place a SparkSession for a search is configured: Kryo, JVM flags, log level. */
public final class SparkSessions {
    private SparkSessions() {}

    /**
     * @param master            a master URL, or null to take spark-submit's (else local[*])
     * @param extraRegistrators Kryo registrator class names a problem needs besides the search's own
     */
    public static SparkSession create(String master, List<String> extraRegistrators, boolean verbose) {
        setSparkLogLevel(verbose ? Level.INFO : Level.WARN);
        List<String> registrators = new ArrayList<>();
        registrators.add(SearchKryoRegistrator.class.getName());
        registrators.addAll(extraRegistrators);
        SparkConf conf = new SparkConf()
                .setAppName("bitsweep search")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.kryo.registrator", String.join(",", registrators))
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                // Applied when the context starts, also under spark-submit (where our log4j2.properties is not seen).
                .set("spark.log.level", verbose ? "INFO" : "WARN")
                // Heartbeats carry the running tasks' progress counts to the progress bar.
                .setIfMissing("spark.executor.heartbeatInterval", "2s")
                .setIfMissing("spark.driver.extraJavaOptions", BuildInfo.jvmFlags())
                .setIfMissing("spark.executor.extraJavaOptions", BuildInfo.jvmFlags());
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        if (!verbose) {
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** Spark's own INFO logs drown the progress bar; they stay at WARN unless --verbose (log4j2.properties). */
    private static void setSparkLogLevel(Level level) {
        for (String logger : new String[] {"org.apache.spark", "org.apache.hadoop", "org.sparkproject", "org.apache.parquet"}) {
            Configurator.setLevel(logger, level);
        }
    }
}
