package org.tidings.subscriptions.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import org.tidings.subscriptions.control.SubscriptionIndex;

/**
 * Retained heap per subscription: used heap after full collections with the index alive, minus the same without
 * it, divided by the number of subscriptions. Small sizes build several indexes at once so the difference stands
 * well above the collector's noise. Run with: {@code java -cp benchmarks.jar <this class> [sizes...]}.
 */
public final class HeapPerSubscription {

    private HeapPerSubscription() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {1_000, 10_000, 100_000, 1_000_000};
        System.out.printf("%12s %8s %14s %12s%n", "subscriptions", "indexes", "retained MB", "bytes/sub");
        for (int size : sizes) {
            int copies = Math.max(1, 200_000 / size);
            long before = usedAfterGc();
            SubscriptionIndex[] indexes = new SubscriptionIndex[copies];
            for (int c = 0; c < copies; c++) {
                indexes[c] = new Workload(size).fill(new SubscriptionIndex(), c + 1);
            }
            long retained = usedAfterGc() - before;
            System.out.printf("%,12d %8d %14.1f %12.0f%n", indexes[0].size(), copies, retained / 1e6,
                    (double) retained / ((long) size * copies));
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
