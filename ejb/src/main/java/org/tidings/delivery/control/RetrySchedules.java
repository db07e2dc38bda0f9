package org.tidings.delivery.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.delivery.webhook.RetrySchedule;

/** The retry schedule of webhook deliveries, from {@code tidings.delivery.retry-schedule}; a bad one fails start-up. */
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

    public RetrySchedule schedule() {
        return schedule;
    }
}
