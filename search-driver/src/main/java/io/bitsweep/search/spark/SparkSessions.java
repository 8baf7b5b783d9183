package io.bitsweep.search.spark;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.provenance.BuildInfo;
import io.bitsweep.search.store.RunStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place a SparkSession for a search is configured: Kryo, JVM flags, log level. */
public final class SparkSessions {
    private SparkSessions() {}

    public static SparkSession create(String master, List<String> extraRegistrators, boolean verbose) {
        return create(master, extraRegistrators, verbose, null);
    }

    /**
     * @param master            a master URL, or null to take spark-submit's (else local[*])
     * @param extraRegistrators Kryo registrator class names a problem needs besides the search's own
     * @param eventLog          a directory (path or Hadoop URI, created if missing) for Spark's event log, which
     *                          Spark's History Server reads; null for none
     */
    public static SparkSession create(String master, List<String> extraRegistrators, boolean verbose,
                                      String eventLog) {
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
        if (eventLog != null) {
            // Uncompressed unless configured otherwise: a search's log is small, and plain JSON lines can be read
            // with jq as well as by the History Server.
            conf.set("spark.eventLog.enabled", "true").set("spark.eventLog.dir", eventLogDir(eventLog))
                    .setIfMissing("spark.eventLog.compress", "false");
        }
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

    /** The event log directory as a URI Spark takes, created first (Spark refuses a missing one). */
    private static String eventLogDir(String location) {
        Path dir = RunStore.path(location);
        try {
            dir.getFileSystem(new Configuration()).mkdirs(dir);
        } catch (IOException e) {
            throw new BitSweepException("--event-log " + location + ": cannot create the directory ("
                    + e.getMessage() + ")", e);
        }
        return dir.toString();
    }

    /** Spark's own INFO logs drown the progress bar; they stay at WARN unless --verbose (log4j2.properties). */
    private static void setSparkLogLevel(Level level) {
        for (String logger : new String[] {"org.apache.spark", "org.apache.hadoop", "org.sparkproject", "org.apache.parquet"}) {
            Configurator.setLevel(logger, level);
        }
    }
}
