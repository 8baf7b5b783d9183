package io.bitsweep.search.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.eval.data.TinyDataset;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.spark.SparkSessions;
import io.bitsweep.search.store.RunStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards and the run store on a real HDFS: Hadoop's MiniDFSCluster runs a namenode and a datanode in this JVM on
 * 127.0.0.1 (storage under a temp dir), and the code under test reaches it only through its hdfs:// URI, the way a
 * user's cluster is reached. Unlike the bsfs:// tests (the local disk under another scheme), this exercises HDFS's
 * own client: block reads for Arrow shards, and a rename that does not replace an existing file.
 */
class MiniHdfsTest {
    @TempDir
    static Path tmp;
    static MiniDFSCluster hdfs;
    static DistributedFileSystem fs;
    static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        // Client-side settings for this one-datanode cluster are in the test resources' hdfs-site.xml, where the
        // code under test (which builds its own Configuration from the URI) reads them too.
        Configuration conf = new Configuration();
        conf.setLong("dfs.heartbeat.interval", 1); // the datanode registers sooner: waitActive returns sooner
        hdfs = new MiniDFSCluster.Builder(conf, tmp.resolve("hdfs").toFile()).numDataNodes(1).storagesPerDatanode(1)
                .build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        spark = SparkSessions.create("local[2]", List.of(), false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        if (hdfs != null) {
            // the code under test got its client from Hadoop's FileSystem cache: close it (and drop it from there)
            FileSystem.get(URI.create(uri("/")), new Configuration()).close();
            hdfs.shutdown();
        }
    }

    /** hdfs://127.0.0.1:port/path: what a user would pass; the code builds its own Configuration from it. */
    static String uri(String path) {
        return "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + path;
    }

    @Test
    void shardsOnHdfsReadLikeTheLocalReader() throws Exception {
        TinyDataset source = Datasets.open(Assets.dir().resolve("data/ic01"));
        Path local = tmp.resolve("ic01-shards");
        ShardConverter.convert(source, local, 64, false);
        // delSrc: the only copy left is the one on the datanode
        fs.copyFromLocalFile(true, new org.apache.hadoop.fs.Path(local.toUri()),
                new org.apache.hadoop.fs.Path("/data/ic01"));
        assertFalse(Files.exists(local));

        String dir = uri("/data/ic01");
        assertTrue(dir.startsWith("hdfs://127.0.0.1:"), dir);
        TinyDataset viaHdfs = SearchData.open(SearchData.resolve(dir, "bitsweep.search.data"));
        assertEquals(200, viaHdfs.size());
        assertEquals(source.sha256(), viaHdfs.sha256());
        SearchDataTest.assertSameSamples(source, viaHdfs, 0);

        TinyDataset third = SearchData.open(dir + "/shard-00002.arrow");
        assertEquals(64, third.size());
        SearchDataTest.assertSameSamples(source, third, 128);
    }

    static SearchSettings settings(String... sets) {
        return SearchConfigLoader.load(ConfigFactory.parseResources("synthetic.conf"), List.of(sets), null);
    }

    static SearchJob.Result run(SearchSettings s, String out, boolean resume) {
        return SearchJob.run(s, new SearchJob.Options(out, resume, null, false, spark), SearchListener.NONE);
    }

    @Test
    void runStoreOnHdfsExtendsByResumeAndWarmStartsLikeOnLocalDisk() throws Exception {
        Path local = tmp.resolve("local-run");
        run(settings("generations=2"), local.toString(), false);

        String remote = uri("/runs/synthetic");
        run(settings("generations=1"), remote, false);
        String frontAfterOne = RunStore.at(remote, new Configuration()).readText("front.csv");
        // A finished run extended by --resume with more generations ends as if it had been asked for them from the
        // start. Its end-of-run files already exist, so each rewrite goes through delete-then-rename on HDFS.
        SearchJob.Result resumed = run(settings("generations=2"), remote, true);
        assertEquals(remote, resumed.store().location());

        String frontAfterTwo = resumed.store().readText("front.csv");
        assertEquals(Files.readString(local.resolve("front.csv")), frontAfterTwo);
        assertNotEquals(frontAfterOne, frontAfterTwo, "the resumed generation changed the front, so front.csv was replaced");
        RunStore localStore = RunStore.at(local.toString(), new Configuration());
        for (int g = 0; g < 2; g++) {
            for (String t : List.of("population", "evaluations", "archive")) {
                assertEquals(localStore.readTable(g, t), resumed.store().readTable(g, t), "gen " + g + " " + t);
            }
        }
        assertEquals(1, resumed.store().lastCompleteGeneration());

        // The files really are HDFS files (blocks on the datanode), and no hidden temp file of an atomic write is left.
        List<String> names = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(new org.apache.hadoop.fs.Path("/runs/synthetic"), true);
        while (files.hasNext()) {
            LocatedFileStatus f = files.next();
            assertTrue(f.getBlockLocations().length > 0 || f.getLen() == 0, f.getPath().toString());
            names.add(f.getPath().getName());
        }
        assertTrue(names.contains("front.png") && names.contains("report.html") && names.contains("run.json"),
                names.toString());
        assertEquals(List.of(), names.stream().filter(n -> n.startsWith(".") || n.endsWith(".tmp")).toList());
        assertEquals(DistributedFileSystem.class, FileSystem.get(URI.create(remote), new Configuration()).getClass());

        // A search warm-started from the run on HDFS reads its front.csv and best/<id>.json from there.
        SearchJob.Result warm = run(settings("generations=1", "init-from=[\"" + remote + "\"]"),
                tmp.resolve("warm").toString(), false);
        List<String> origins = warm.store().readTable(0, "evaluations").stream()
                .map(r -> r.candidate().origin()).toList();
        for (var p : resumed.archive().points()) {
            assertTrue(origins.contains("init:synthetic/" + p.id()), p.id() + " not seeded: " + origins);
        }
    }
}
