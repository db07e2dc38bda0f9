package org.tidings.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The deployment under test is the product's own WAR, exactly as built. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive tidings() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("tidings.it.war")));
    }
}
