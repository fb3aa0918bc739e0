package io.github.pop3lite.docs;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs' {@code cluster} blocks (a node's setup with a cluster service, docs/cluster.md) compile
 * against camel-pop3lite-cluster and the cluster services a user picks from: camel-zookeeper,
 * camel-kubernetes and camel-file. They are compiled only: they name hosts that are not on loopback.
 * The other blocks are DocSnippetsTest's, in camel-pop3lite.
 */
class ClusterDocSnippetsTest {

    /** What a cluster block may use without importing it, beside SnippetCompiler's common imports. */
    static final String IMPORTS = """
            import java.util.concurrent.*;
            import com.zaxxer.hikari.*;
            import io.github.pop3lite.cluster.*;
            import org.apache.camel.component.file.cluster.*;
            import org.apache.camel.component.kubernetes.cluster.*;
            import org.apache.camel.component.zookeeper.cluster.*;
            """;

    private static List<DocSnippet> clusterBlocks() throws Exception {
        return DocSnippet.all().stream().filter(DocSnippet::cluster).toList();
    }

    @TestFactory
    Stream<DynamicTest> everyClusterBlockCompiles() throws Exception {
        return clusterBlocks().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> {
            assertEquals("java", s.language(), s + ": only Java blocks can be cluster blocks");
            SnippetCompiler.compileStatements(s, IMPORTS).getMethod("run", org.apache.camel.CamelContext.class,
                    String.class, java.io.OutputStream.class);
        }));
    }

    @Test
    void theClusterPageShowsEachClusterService() throws Exception {
        List<DocSnippet> blocks = clusterBlocks();
        for (String service : List.of("ZooKeeperClusterService", "KubernetesClusterService", "FileLockClusterService")) {
            assertTrue(blocks.stream().anyMatch(s -> s.code().contains("new " + service + "()")), service + " in " + blocks);
        }
    }

    @Test
    void aClusterBlockThatDoesNotCompileFailsWithThePageAndLine() {
        DocSnippet broken = new DocSnippet(DocSnippet.ROOT.resolve("docs/cluster.md"), 9, "java", false, true,
                "context.addService(new ZooKeeperClusterService(\"zk1:2181\"));\n");
        AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> SnippetCompiler.compileStatements(broken, IMPORTS));
        assertTrue(error.getMessage().startsWith("docs/cluster.md:9 (java cluster) does not compile:"), error.getMessage());
    }
}
