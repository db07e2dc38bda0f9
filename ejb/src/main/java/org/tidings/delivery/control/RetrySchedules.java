package org.tidings.delivery.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.webhook.RetrySchedule;
import org.tidings.sinks.entity.Sink;

/**
 * The retry schedules of webhook and purge deliveries: a sink's own, or the global one from
 * {@code tidings.delivery.retry-schedule} (a bad one fails start-up).
 */
@ApplicationScoped
public class RetrySchedules {

    @Inject
    @ConfigProperty(name = "tidings.delivery.retry-schedule", defaultValue = RetrySchedule.DEFAULT)
    String spec;

    private RetrySchedule schedule;

    @PostConstruct
    void parse() {
        schedule = RetrySchedule.parse(spec);
    }

    /** The schedule the sink's deliveries follow now: its own if it has one, else the global one. */
    public RetrySchedule of(Sink sink) {
        String own = sink.retrySchedule();
        return own == null ? schedule : RetrySchedule.ofSteps(List.of(own.split(",")));
    }
}
