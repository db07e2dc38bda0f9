package org.tidings.platform;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The HTTP face: the admin API under /api, event ingest at /events. */
@ApplicationPath("/")
public class TidingsApplication extends Application {
}
