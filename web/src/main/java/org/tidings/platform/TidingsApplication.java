package org.tidings.platform;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** The HTTP face: the admin API under /api, event ingest at /events. */
@ApplicationPath("/")
public class TidingsApplication extends Application {

    /**
     * No WADL from Jersey: the API's shape is told at GET /api/endpoints, to callers with a role (docs/adr/0018).
     * Jersey's /application.wadl was behind the access rules already; this takes it away altogether.
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
