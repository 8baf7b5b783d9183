package io.bitsweep.search.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Build facts Maven writes into bitsweep-build.properties: the version, the git commit the build was made from, and
 * the one list of JVM flags.
 */
public final class BuildInfo {
    private static final Properties PROPS = load();

    private BuildInfo() {}

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
        return property("version");
    }

    /** The Spark version the build was compiled against. */
    public static String sparkVersion() {
        return property("spark.version");
    }

    /**
     * The git commit the classes were built from, with {@code -dirty} when the checkout had uncommitted changes;
     * "unknown" when the build was not made from a git checkout.
     */
    public static String codeVersion() {
        String commit = property("git.commit.id");
        return commit.equals("unknown") ? commit : commit + ("true".equals(PROPS.getProperty("git.dirty")) ? "-dirty" : "");
    }

    /** The JVM flags Spark needs on JDK 17, for spark.{driver,executor}.extraJavaOptions. */
    public static String jvmFlags() {
        return PROPS.getProperty("jvm.flags", "");
    }

    /** A build property; "unknown" when absent or left unfiltered (Maven had no value for it). */
    private static String property(String key) {
        String v = PROPS.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }
}
