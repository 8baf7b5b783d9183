package io.bitsweep.search.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** Build facts Maven writes into bitsweep-build.properties: the version and the one list of JVM flags. */
public final class BuildInfo implements CommandLine.IVersionProvider {
    private static final Properties PROPS = load();

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/bitsweep-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static String version() {
        return PROPS.getProperty("version", "unknown");
    }

    /** The JVM flags Spark needs on JDK 17, for spark.{driver,executor}.extraJavaOptions. */
    public static String jvmFlags() {
        return PROPS.getProperty("jvm.flags", "");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"bitsweep " + version() + " (Spark " + PROPS.getProperty("spark.version", "?") + ")"};
    }
}
