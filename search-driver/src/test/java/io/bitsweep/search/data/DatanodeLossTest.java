package io.bitsweep.search.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.search.cli.BitSweepCli;
import io.bitsweep.search.store.RunStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.MiniDFSCluster.DataNodeProperties;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 1's HDFS case: the shards and the run store on a MiniDFSCluster of two datanodes (in this JVM, on
 * 127.0.0.1), and a datanode stopped in the middle of a search, as soon as generation 1's _COMPLETE is on HDFS.
 * `bitsweep search` (IC ResNet-8, exact evaluator, local runner) then writes the tables of generations 2 and 3 and,
 * at the end, reads generations' tables and run.json back for its report, so writes and reads meet the lost node.
 * (The shards are read at the start: the runner keeps its shards of the evaluation split for the whole run.)
 * <ul>
 *   <li>Replication 2: every block has a copy on the other datanode. The search finishes with the archive of the
 *       undisturbed run (front.csv and every Parquet row).
 *   <li>Replication 1, the datanode holding run.json stopped: that file (and whatever else the node held) is gone
 *       until the node returns. The search stops with one line naming the file it could not read and exit code 1,
 *       so does `--resume` while the node is down, and once it is back `--resume` ends with the undisturbed
 *       archive.
 * </ul>
 * The namenode is not told the node is gone (its heartbeat timeout is 10 minutes), as on a real cluster right after
 * a node dies: it still offers the dead node for reads and new blocks, and the HDFS client must route around it.
 */
class DatanodeLossTest {
    private static final int GENERATIONS = 4;
    /** One shard of all 200 ic01 images. */
    private static final int SHARD_SIZE = 256;

    @TempDir
    static Path shared;
    static Path localShards;
    static Path straight;
    static String config;

    private MiniDFSCluster hdfs;

    @BeforeAll
    static void undisturbedRun() throws Exception {
        localShards = shared.resolve("ic01-shards");
        ShardConverter.convert(Datasets.open(Assets.dir().resolve("data/ic01")), localShards, SHARD_SIZE, false);
        config = repo().resolve("conf/search/ic-resnet8-mpic.conf").toString();
        straight = shared.resolve("straight");
        Cli r = search(localShards.toString(), straight.toString());
        assertEquals(0, r.exit, r.err);
    }

    @AfterEach
    void stop() throws Exception {
        if (hdfs != null) {
            // the code under test got its client from Hadoop's FileSystem cache: close it and drop it from there
            FileSystem.get(URI.create(uri("/")), new Configuration()).close();
            hdfs.shutdown();
        }
    }

    @Test
    void withTwoReplicasTheRunFinishesWithTheSameArchive(@TempDir Path dir) throws Exception {
        start(dir, 2);
        String data = upload();
        String out = uri("/runs/ic");
        CompletableFuture<DataNodeProperties> stopped = stopWhenComplete(1, out, this::anyDatanode);
        Cli r = search(data, out);
        assertTrue(stopped.isDone() && !stopped.isCompletedExceptionally(),
                () -> "no datanode was stopped mid-run: " + r.err);
        assertEquals(0, r.exit, r.err);
        assertEquals(1, hdfs.getDataNodes().size());
        assertSameArchive(out);
    }

    @Test
    void withOneReplicaLostTheErrorIsOneLineAndTheRunResumes(@TempDir Path dir) throws Exception {
        start(dir, 1);
        String data = upload();
        String out = uri("/runs/ic");
        // run.json's only copy: the search reads it again at the end (for report.html), and --resume at its start
        CompletableFuture<DataNodeProperties> stopped = stopWhenComplete(1, out,
                () -> holderOf("/runs/ic/" + RunStore.RUN_JSON));
        Cli failed = search(data, out);
        assertTrue(stopped.isDone() && !stopped.isCompletedExceptionally(),
                () -> "no datanode was stopped mid-run: " + failed.err);
        assertOneLineError(failed, out, data);
        // Every generation the search finished is complete and readable once the node is back; nothing is half-written.
        RunStore store = RunStore.at(out, new Configuration());
        int last = store.lastCompleteGeneration();
        assertTrue(last >= 1, "last complete generation " + last);

        // While the node is down, --resume stops the same way (at the first file it reads from the lost node: the run's
        // splits.json or run.json, or a data shard whose only block the node held) and changes nothing.
        assertOneLineError(search(data, out, "--resume"), out, data);
        assertEquals(last, store.lastCompleteGeneration());

        // The node comes back (same ports, same storage) and reports its blocks: the run resumes where it stopped.
        assertTrue(hdfs.restartDataNode(stopped.join(), true));
        hdfs.waitActive();
        Cli resumed = search(data, out, "--resume");
        assertEquals(0, resumed.exit, resumed.err);
        assertSameArchive(out);
    }

    /**
     * Exit code 1 and one line naming a file whose block is on the lost node: of the run directory {@code out}, or a
     * shard of {@code data} (the shards are written with replication 1 too, so which is read first decides). Or, when
     * the node stops while the search is writing a later generation's table to it, the file of {@code out} it could
     * not write (its only replica's pipeline broke mid-write; the namenode still offers the node for new blocks).
     */
    private static void assertOneLineError(Cli r, String out, String data) {
        assertEquals(1, r.exit, r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertTrue(r.err.matches("error: cannot read (" + Pattern.quote(out) + "|" + Pattern.quote(data)
                + ")/[^ ]+: Could not obtain block: .*\\R?") || r.err.matches("error: cannot write "
                + Pattern.quote(out) + "/[^ ]+: All datanodes .* are bad\\. Aborting\\.\\.\\.\\R?"), r.err);
    }

    /** Starts two datanodes; the client the search will use writes {@code replication} copies of each block. */
    private void start(Path dir, int replication) throws Exception {
        Configuration conf = new Configuration();
        conf.setLong("dfs.heartbeat.interval", 1); // the datanodes register sooner: waitActive returns sooner
        hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("hdfs").toFile()).numDataNodes(2).storagesPerDatanode(1)
                .build();
        hdfs.waitActive();
        // The search builds its Configuration from the test resources' hdfs-site.xml (one replica, for MiniHdfsTest)
        // and gets its client from Hadoop's FileSystem cache, keyed by scheme and authority: the client opened here
        // first, for this cluster's port, is the one it uses; its settings are what a user's hdfs-site.xml would say.
        Configuration client = new Configuration();
        client.setInt("dfs.replication", replication);
        // A block with no live replica is retried after 0-3 s, 3-9 s, ... by default; 50 ms keeps the test short
        // and changes nothing else about how the client gives up.
        client.setInt("dfs.client.retry.window.base", 50);
        assertEquals(DistributedFileSystem.class, FileSystem.get(URI.create(uri("/")), client).getClass());
    }

    private String uri(String path) {
        return "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + path;
    }

    /** The shard directory copied to /data/ic01 by the search's client (its replication). */
    private String upload() throws Exception {
        FileSystem fs = FileSystem.get(URI.create(uri("/")), new Configuration());
        fs.copyFromLocalFile(false, new org.apache.hadoop.fs.Path(localShards.toUri()),
                new org.apache.hadoop.fs.Path("/data/ic01"));
        return uri("/data/ic01");
    }

    private int anyDatanode() {
        return 0;
    }

    /** The index of the datanode that holds the (only) block of the file at {@code path}. */
    private int holderOf(String path) {
        try {
            FileSystem fs = FileSystem.get(URI.create(uri("/")), new Configuration());
            FileStatus file = fs.getFileStatus(new org.apache.hadoop.fs.Path(path));
            BlockLocation[] blocks = fs.getFileBlockLocations(file, 0, file.getLen());
            assertEquals(1, blocks.length);
            assertEquals(1, blocks[0].getNames().length, "one replica");
            String holder = blocks[0].getNames()[0];
            List<DataNode> nodes = hdfs.getDataNodes();
            for (int i = 0; i < nodes.size(); i++) {
                if (holder.endsWith(":" + nodes.get(i).getXferAddress().getPort())) {
                    return i;
                }
            }
            throw new AssertionError("no datanode at " + holder);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Watches the run directory from another thread and stops a datanode as soon as generation {@code g}'s
     * _COMPLETE exists: the search is then writing generation g + 1 or reading its shards.
     */
    private CompletableFuture<DataNodeProperties> stopWhenComplete(int g, String out, java.util.function.IntSupplier which) {
        org.apache.hadoop.fs.Path complete = new org.apache.hadoop.fs.Path(out + "/" + RunStore.generationDir(g) + "/"
                + RunStore.COMPLETE);
        return CompletableFuture.supplyAsync(() -> {
            try {
                FileSystem fs = FileSystem.get(URI.create(uri("/")), new Configuration());
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (!fs.exists(complete)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no " + complete + " in 3 minutes");
                    }
                    Thread.sleep(20);
                }
                int i = which.getAsInt();
                return hdfs.stopDataNode(i);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private void assertSameArchive(String out) throws Exception {
        RunStore store = RunStore.at(out, new Configuration());
        RunStore reference = RunStore.at(straight.toString(), new Configuration());
        assertEquals(Files.readString(straight.resolve("front.csv")), store.readText("front.csv"));
        assertEquals(GENERATIONS - 1, store.lastCompleteGeneration());
        for (int g = 0; g < GENERATIONS; g++) {
            for (String t : List.of("population", "evaluations", "archive")) {
                assertEquals(reference.readTable(g, t), store.readTable(g, t), g + " " + t);
            }
        }
    }

    private record Cli(int exit, String err) {}

    /** `bitsweep search` in this JVM: a small, fast version of the shipped IC search over {@code data}. */
    private static Cli search(String data, String out, String... more) {
        picocli.CommandLine cl = BitSweepCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        String[] args = Stream.concat(Stream.of("search", "--config", config, "--no-progress",
                "--set", "data=\"" + data + "\"", "--set", "runner=local", "--seed", "3",
                "--set", "population=4", "--set", "generations=" + GENERATIONS, "--set", "shards=2",
                "--set", "splits.calibration.count=8", "--set", "splits.calibration.samples=8",
                "--set", "splits.evaluation.offset=100", "--set", "splits.evaluation.count=40",
                // no sensitivity profile or solver seeds: two driver-side phases before generation 0, not under test
                "--set", "profile=off", "--set", "solver=off",
                // rounding to nearest: no per-model GPTQ tables, a faster search; the data path is the same
                "--set", "quantization.weight-rounding=nearest", "--set", "quantization.bias-correction=false",
                "--set", "quantization.weight-scales=mse", "--out", out), Stream.of(more)).toArray(String[]::new);
        return new Cli(cl.execute(args), err.toString());
    }

    private static Path repo() {
        return Path.of(System.getProperty("bitsweep.repo", "..")).toAbsolutePath().normalize();
    }
}
