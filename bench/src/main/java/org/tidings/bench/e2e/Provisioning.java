package org.tidings.bench.e2e;

/**
 * The benchmark's configuration, made through the admin API: one source, one JMS sink, and one subscription per
 * subject, so that each event matches exactly one.
 */
final class Provisioning {

    private final AdminApi admin;
    private final BenchEvents events;

    Provisioning(AdminApi admin, BenchEvents events) {
        this.admin = admin;
        this.events = events;
    }

    /** Returns the sink's id once this instance's matching index holds every subscription. */
    String provision(int subscriptions, int parallel) throws Exception {
        long start = System.nanoTime();
        admin.createSource("bench mail store", events.source());
        String sinkId = admin.createSink("bench notifier");
        Report.progress("provisioning %d subscriptions for sink %s, %d batches at a time", subscriptions, sinkId,
                parallel);
        admin.subscribeSubjects(sinkId, subscriptions, parallel);
        int indexed = admin.awaitIndexed(events.body(0), count -> count >= subscriptions,
                subscriptions + " subscriptions");
        Report.progress("provisioned in %.0f s; the index holds %d subscriptions", (System.nanoTime() - start) / 1e9,
                indexed);
        return sinkId;
    }
}
