package org.tidings.platform.security;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether requests are authenticated and authorized: always, unless {@code tidings.security.enabled} is false, which
 * exists only so that a benchmark can measure what security costs (bench/e2e's secured_ratio). Off, every request
 * may do everything, and the log says so at every start.
 */
@ApplicationScoped
public class SecuritySettings {

    private static final Logger LOG = Logger.getLogger(SecuritySettings.class.getName());

    @Inject
    @ConfigProperty(name = "tidings.security.enabled", defaultValue = "true")
    boolean enabled;

    @PostConstruct
    void warnIfOff() {
        if (!enabled) {
            LOG.warning("tidings.security.enabled=false: requests are NOT authenticated and anyone who reaches the "
                    + "HTTP port may do everything. Only for measuring what security costs; never in production.");
        }
    }

    public boolean enabled() {
        return enabled;
    }
}
