package io.github.pop3lite.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the leadership of many {@code master:} namespaces (one per mailbox) over the nodes of a
 * cluster. It elects nobody: the cluster service (ZooKeeper, a Kubernetes lease, a file lock) does.
 * Every {@link #setInterval(Duration) interval} a node counts the namespaces (those starting with
 * {@link #setNamespacePrefix(String) namespacePrefix}) and the members it sees in their views; when it
 * leads more than its share, ceil(namespaces / members), it yields the excess: it leaves those
 * namespaces' election and joins it again at once, at the back of the queue, so the cluster service
 * hands each to another member. A node that leaves makes the others' share grow, and they keep what
 * the cluster service gives them; a node that joins makes it shrink, and the others yield to it.
 *
 * <p>A yielded mailbox is unpolled for the time the service takes to hand it over (with ZooKeeper, a
 * moment: the leader's znode is deleted, not expired).
 */
public class LeadershipBalancer extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(LeadershipBalancer.class);

    private CamelContext camelContext;
    private CamelClusterService clusterService;
    private String namespacePrefix = "pop3lite-";
    private Duration interval = Duration.ofSeconds(10);
    private ScheduledExecutorService timer;

    @Override
    protected void doStart() throws Exception {
        if (clusterService == null) {
            clusterService = ClusterServiceHelper.mandatoryLookupService(camelContext);
        }
        timer = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "pop3lite-leadership-balancer");
        timer.scheduleWithFixedDelay(this::balance, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (timer != null) {
            camelContext.getExecutorServiceManager().shutdownNow(timer);
            timer = null;
        }
    }

    /** One round: yields the namespaces this node leads beyond its share. */
    void balance() {
        try {
            List<String> namespaces = clusterService.getNamespaces().stream()
                    .filter(ns -> ns.startsWith(namespacePrefix)).sorted().toList();
            if (namespaces.isEmpty()) {
                return;
            }
            Set<String> members = new HashSet<>();
            List<String> led = new ArrayList<>();
            for (String ns : namespaces) {
                CamelClusterView view = clusterService.getView(ns);
                view.getMembers().stream().map(CamelClusterMember::getId).forEach(members::add);
                members.add(view.getLocalMember().getId());
                if (clusterService.isLeader(ns)) {
                    led.add(ns);
                }
            }
            int share = share(namespaces.size(), members.size());
            if (led.size() <= share) {
                return;
            }
            // the last ones led, by name: two nodes over their share yield different namespaces less often
            List<String> yielded = led.subList(share, led.size());
            LOG.info("Leading {} of {} namespaces with {} members (share {}): yielding {}", led.size(), namespaces.size(),
                    members.size(), share, yielded);
            for (String ns : List.copyOf(yielded)) {
                yieldNamespace(ns);
            }
        } catch (Exception e) {
            // the next round tries again; leadership itself is untouched by a failed count
            LOG.warn("Leadership balancing round failed: {}", e.getMessage(), e);
        }
    }

    /**
     * Leaves the namespace's election and joins it again. Joining again must wait until the leadership has moved:
     * ZooKeeper's view re-queues with Curator's LeaderSelector.requeue(), which does nothing while the selector is
     * still leaving, and the node would then no longer take part in that namespace at all (seen here). So the node
     * checks that it is a participant again, and repeats the join until it is.
     */
    private void yieldNamespace(String ns) throws Exception {
        CamelClusterView view = clusterService.getView(ns);
        String local = view.getLocalMember().getId();
        clusterService.stopView(ns);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (clusterService.isLeader(ns) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        for (int attempt = 0; attempt < 40; attempt++) {
            clusterService.startView(ns);
            Thread.sleep(250);
            if (view.getMembers().stream().anyMatch(m -> local.equals(m.getId()))) {
                return;
            }
            clusterService.stopView(ns);
        }
        LOG.warn("Yielded {} but could not join its election again; this node stands by for it no more", ns);
    }

    /** ceil(namespaces / members): what each member leads when the leadership is spread evenly. */
    static int share(int namespaces, int members) {
        return (namespaces + Math.max(1, members) - 1) / Math.max(1, members);
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public CamelClusterService getClusterService() {
        return clusterService;
    }

    /** The cluster service whose namespaces to spread; default the only one in the CamelContext. */
    public void setClusterService(CamelClusterService clusterService) {
        this.clusterService = clusterService;
    }

    public String getNamespacePrefix() {
        return namespacePrefix;
    }

    /** Which namespaces to spread: those starting with this, default {@code pop3lite-}. */
    public void setNamespacePrefix(String namespacePrefix) {
        this.namespacePrefix = namespacePrefix;
    }

    public Duration getInterval() {
        return interval;
    }

    /** Time between two balancing rounds, default 10 s. */
    public void setInterval(Duration interval) {
        this.interval = interval;
    }
}
