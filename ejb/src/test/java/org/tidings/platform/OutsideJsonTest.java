package org.tidings.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import org.junit.jupiter.api.Test;

class OutsideJsonTest {

    /** Names from outside are not added to a table the factory keeps for the life of the process. */
    @Test
    void fieldNamesAreNotKept() {
        for (JsonFactory factory : new JsonFactory[] {OutsideJson.factory().build(), OutsideJson.mapper().getFactory()}) {
            assertThat(factory.isEnabled(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)).isFalse();
            assertThat(factory.isEnabled(JsonFactory.Feature.INTERN_FIELD_NAMES)).isFalse();
        }
    }
}
