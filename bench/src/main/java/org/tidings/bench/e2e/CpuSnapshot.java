package org.tidings.bench.e2e;

import java.util.List;
import java.util.Map;

/**
 * The CPU seconds each measured process ({@link ProcessCpu}) has used so far, and its JIT compiler threads' part of
 * them: two snapshots say what a phase cost each process and how much of that was compilation.
 */
record CpuSnapshot(double[] cpu, List<Map<Long, Double>> jit) {

    static CpuSnapshot of(List<ProcessCpu> processes) {
        return new CpuSnapshot(processes.stream().mapToDouble(ProcessCpu::seconds).toArray(),
                processes.stream().map(ProcessCpu::jitThreads).toList());
    }

    /** CPU seconds process {@code i} used from {@code before} to this snapshot. */
    double cpuSince(CpuSnapshot before, int i) {
        return cpu[i] - before.cpu[i];
    }

    /** CPU seconds process {@code i}'s JIT compiler threads used from {@code before} to this snapshot. */
    double jitSince(CpuSnapshot before, int i) {
        return ProcessCpu.jitSecondsBetween(before.jit.get(i), jit.get(i));
    }

    /** The compilers' share of process {@code i}'s CPU from {@code before} to this snapshot (0 if it used none). */
    double jitShareSince(CpuSnapshot before, int i) {
        double used = cpuSince(before, i);
        return used <= 0 ? 0 : jitSince(before, i) / used;
    }
}
