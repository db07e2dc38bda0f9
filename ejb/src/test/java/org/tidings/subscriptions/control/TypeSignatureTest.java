package org.tidings.subscriptions.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

// the signature may let a filter through that cannot match (the filter is then checked in full), never the reverse
class TypeSignatureTest {

    @Test
    void acceptsEveryEventWhoseTypeOrNamespaceTheFilterNames() {
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            String type = randomType(random);
            List<String> names = namesOf(type);
            String named = names.get(random.nextInt(names.size()));
            Set<String> types = random.nextBoolean() ? Set.of(named, randomType(random)) : Set.of();
            Set<String> namespaces = types.isEmpty() ? Set.of(named) : Set.of();
            long signature = TypeSignature.of(types, namespaces);

            assertThat(TypeSignature.mayAccept(signature, TypeSignature.ofEventType(type)))
                    .as("%s names %s", types.isEmpty() ? namespaces : types, type).isTrue();
        }
    }

    @Test
    void turnsAwayMostEventsWhoseTypesAFilterDoesNotName() {
        Random random = new Random(11);
        int accepted = 0;
        int rounds = 20_000;
        for (int round = 0; round < rounds; round++) {
            // a key shared by five filters, each naming one namespace, against an event of another vendor
            List<String> namespaces = new ArrayList<>();
            for (int n = 0; n < 5; n++) {
                namespaces.add("org.vendor" + random.nextInt(1_000) + ".mail");
            }
            long signature = 0;
            for (String namespace : namespaces) {
                signature |= TypeSignature.of(Set.of(), Set.of(namespace));
            }
            String type = "com.other" + random.nextInt(1_000) + ".presence.StatusChanged";
            accepted += TypeSignature.mayAccept(signature, TypeSignature.ofEventType(type)) ? 1 : 0;
        }
        assertThat((double) accepted / rounds).isLessThan(0.10);
    }

    @Test
    void aFilterWithoutTypesAcceptsEverythingAndAnEventWithoutTypeIsLetThrough() {
        assertThat(TypeSignature.mayAccept(TypeSignature.of(Set.of(), Set.of()),
                TypeSignature.ofEventType("org.example.mail.MessageNew"))).isTrue();
        assertThat(TypeSignature.mayAccept(TypeSignature.of(Set.of("org.example.X"), Set.of()),
                TypeSignature.ofEventType(null))).isTrue();
    }

    private static String randomType(Random random) {
        StringBuilder type = new StringBuilder("org");
        for (int level = 1 + random.nextInt(4); level > 0; level--) {
            type.append('.').append((char) ('a' + random.nextInt(26))).append(random.nextInt(100));
        }
        return type.toString();
    }

    /** The type's namespaces and the type itself. */
    private static List<String> namesOf(String type) {
        List<String> names = new ArrayList<>();
        for (int dot = type.indexOf('.'); dot >= 0; dot = type.indexOf('.', dot + 1)) {
            names.add(type.substring(0, dot));
        }
        names.add(type);
        return names;
    }
}
