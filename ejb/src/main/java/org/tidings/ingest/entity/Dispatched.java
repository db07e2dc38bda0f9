package org.tidings.ingest.entity;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The notifications of an accepted event that its forward sends to the deliveries queue (webhook, purge and pull
 * sinks), as the event's record in the duplicate window keeps them (docs/adr/0012, "What is not yet recorded"): the
 * subscriptions, and the event's source as the event spelled it, which the delivery ledger's rows name. Until the
 * dispatcher records a notification in the ledger, this is all that says it exists. Stored as one value: the
 * source's length in UTF-8 bytes (4 bytes), those bytes, then each subscription's id (16 bytes), in the order of the
 * ids; nothing (null) when there are none.
 */
public record Dispatched(String eventSource, SortedSet<UUID> subscriptions) {

    public static final Dispatched NONE = new Dispatched(null, new TreeSet<>());

    private static final int ID = 16;

    public Dispatched {
        subscriptions = new TreeSet<>(subscriptions);
    }

    public static Dispatched of(String eventSource, Collection<UUID> subscriptions) {
        return subscriptions.isEmpty() ? NONE : new Dispatched(eventSource, new TreeSet<>(subscriptions));
    }

    @Override
    public SortedSet<UUID> subscriptions() {
        return new TreeSet<>(subscriptions);
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    /** The stored value; null if there are no subscriptions. */
    public byte[] encoded() {
        if (subscriptions.isEmpty()) {
            return null;
        }
        byte[] source = eventSource.getBytes(StandardCharsets.UTF_8);
        ByteBuffer value = ByteBuffer.allocate(Integer.BYTES + source.length + subscriptions.size() * ID)
                .putInt(source.length).put(source);
        subscriptions.forEach(id -> value.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()));
        return value.array();
    }

    /** What {@link #encoded} stored; {@link #NONE} for nothing, or for a value that is not one (it lists nothing). */
    public static Dispatched decoded(byte[] stored) {
        if (stored == null || stored.length < Integer.BYTES) {
            return NONE;
        }
        try {
            ByteBuffer value = ByteBuffer.wrap(stored);
            int length = value.getInt();
            if (length < 0 || length > value.remaining() || (value.remaining() - length) % ID != 0) {
                return NONE;
            }
            byte[] source = new byte[length];
            value.get(source);
            Set<UUID> subscriptions = new TreeSet<>();
            while (value.hasRemaining()) {
                subscriptions.add(new UUID(value.getLong(), value.getLong()));
            }
            return of(new String(source, StandardCharsets.UTF_8), subscriptions);
        } catch (BufferUnderflowException e) {
            return NONE;
        }
    }
}
