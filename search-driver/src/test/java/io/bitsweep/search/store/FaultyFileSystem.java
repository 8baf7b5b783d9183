package io.bitsweep.search.store;

import io.bitsweep.search.data.ForeignSchemeFileSystem;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk under the scheme {@code bsfault:///path}, through a real Hadoop {@link FilterFileSystem} that can
 * be told to fail the way a disk or a cluster file system does in the middle of a run: {@link #arm} names a path
 * fragment (say {@code gen=00002/evaluations}) and a byte budget; once a file whose path holds the fragment is
 * created, the next that many bytes written through any stream of this file system succeed, and then
 * <ul>
 *   <li>{@link Fault#DISK_FULL}: every write fails with "No space left on device" (what the JVM reports for ENOSPC),
 *       while deletes and renames still work, as on a full disk;</li>
 *   <li>{@link Fault#PERMISSION_LOST}: every write, create, mkdirs, rename and delete fails with Hadoop's
 *       {@link AccessControlException}, as when a directory's permission or a delegation token is withdrawn; the
 *       partial temp file cannot even be cleaned up.</li>
 * </ul>
 * The fault is JVM-wide (Hadoop caches and instantiates file systems itself) until {@link #disarm}. Registered in
 * META-INF/services like {@link ForeignSchemeFileSystem}.
 *
 * <p>For a test that kills the JVM that writes, {@code -Dbsfault.stall=FRAGMENT} makes the create of a file whose
 * path holds FRAGMENT block for good: the writer stops at a known point in a generation, and the test kills it there.
 */
public class FaultyFileSystem extends FilterFileSystem {
    public static final String SCHEME = "bsfault";

    public enum Fault { DISK_FULL, PERMISSION_LOST }

    private record Plan(Fault fault, String trigger, long budget) {}

    private static Plan plan;
    private static boolean triggered;
    private static long written;

    public FaultyFileSystem() {
        super(new ForeignSchemeFileSystem() {
            @Override
            public String getScheme() {
                return FaultyFileSystem.SCHEME; // unqualified, SCHEME would be the inherited bsfs
            }

            @Override
            public URI getUri() {
                return URI.create(FaultyFileSystem.SCHEME + ":///");
            }
        });
    }

    /** A local path as a bsfault URI. */
    public static String uri(java.nio.file.Path local) {
        return SCHEME + "://" + local.toAbsolutePath().normalize().toUri().getPath();
    }

    public static synchronized void arm(Fault fault, String trigger, long budget) {
        plan = new Plan(fault, trigger, budget);
        triggered = false;
        written = 0;
    }

    public static synchronized void disarm() {
        plan = null;
        triggered = false;
    }

    /** True once the armed fault has started failing operations. */
    public static synchronized boolean struck() {
        return plan != null && triggered && written >= plan.budget();
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        stallIfAsked(f);
        synchronized (FaultyFileSystem.class) {
            checkPermission("create", f);
            if (plan != null && !triggered && f.toString().contains(plan.trigger())) {
                triggered = true;
            }
        }
        FSDataOutputStream out = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Budgeted(out, f), statistics);
    }

    private static void stallIfAsked(Path f) throws IOException {
        String stall = System.getProperty("bsfault.stall");
        if (stall != null && f.toString().contains(stall)) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("stalled create of " + f + " interrupted");
            }
        }
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        checkPermission("mkdirs", f);
        return super.mkdirs(f, permission);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        checkPermission("rename", src);
        return super.rename(src, dst);
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        checkPermission("delete", f);
        return super.delete(f, recursive);
    }

    private static synchronized void checkPermission(String op, Path f) throws AccessControlException {
        if (struck() && plan.fault() == Fault.PERMISSION_LOST) {
            throw new AccessControlException("Permission denied: " + op + " " + f);
        }
    }

    /** Counts the bytes written through it against the armed budget and fails the write that exceeds it. */
    private static final class Budgeted extends FilterOutputStream {
        private final Path file;

        Budgeted(OutputStream out, Path file) {
            super(out);
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            allow(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int allowed = allow(len);
            out.write(b, off, allowed);
            if (allowed < len) {
                fail();
            }
        }

        /** How many of len bytes fit the budget; all if no fault is armed or triggered. */
        private int allow(int len) throws IOException {
            synchronized (FaultyFileSystem.class) {
                if (plan == null || !triggered) {
                    return len;
                }
                if (written >= plan.budget()) {
                    fail();
                }
                int allowed = (int) Math.min(len, plan.budget() - written);
                written += allowed;
                return allowed;
            }
        }

        private void fail() throws IOException {
            if (plan.fault() == Fault.DISK_FULL) {
                throw new IOException("No space left on device");
            }
            throw new AccessControlException("Permission denied: write " + file);
        }
    }
}
