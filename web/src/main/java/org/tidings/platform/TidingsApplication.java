package org.tidings.platform;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/** The HTTP face: the admin API under /api, event ingest at /events. */
@ApplicationPath("/")
public class TidingsApplication extends Application {

    /**
     * Jersey would otherwise describe every resource at /application.wadl and /{any path}/application.wadl, the
     * latter past the access rules: the API's shape is told to callers who prove who they are (GET /api/endpoints),
     * not to anyone (docs/adr/0018).
     */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
