package org.tidings.it.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The TCP and UDP sockets one process holds, read from Linux's /proc (what `ss -tunap` shows for its pid). */
public final class ServerSockets {

    private static final String TCP_LISTEN = "0A";

    public record Socket(String protocol, InetAddress local, int localPort, InetAddress remote, int remotePort,
                         boolean listening) {

        /** Listens on loopback, or talks to loopback, or is not bound to anything yet. */
        public boolean loopbackOnly() {
            if (listening) {
                return local.isLoopbackAddress();
            }
            if (remotePort != 0) {
                return remote.isLoopbackAddress();
            }
            return localPort == 0 || local.isLoopbackAddress();
        }

        @Override
        public String toString() {
            return protocol + (listening ? " listening on " : " ") + local.getHostAddress() + ":" + localPort
                    + (listening ? "" : " -> " + remote.getHostAddress() + ":" + remotePort);
        }
    }

    private ServerSockets() {
    }

    public static List<Socket> of(long pid) {
        Set<String> inodes = socketInodes(pid);
        List<Socket> sockets = new ArrayList<>();
        for (String protocol : List.of("tcp", "tcp6", "udp", "udp6")) {
            try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "net", protocol))) {
                lines.skip(1).map(String::trim).map(line -> line.split("\\s+"))
                        .filter(fields -> inodes.contains(fields[9]))
                        .map(fields -> socket(protocol, fields))
                        .forEach(sockets::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sockets;
    }

    /** What `ss -ltunp` says about the process's listening sockets, for the record (empty without ss). */
    public static List<String> ssListening(long pid) {
        try {
            Process ss = new ProcessBuilder("ss", "-ltunp").redirectErrorStream(true).start();
            List<String> lines;
            try (var output = ss.inputReader()) {
                lines = output.lines().filter(line -> line.contains("pid=" + pid + ",")).toList();
            }
            return ss.waitFor(10, TimeUnit.SECONDS) && ss.exitValue() == 0 ? lines : List.of();
        } catch (IOException noSs) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away between listing and reading: not a socket of interest
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }

    private static Socket socket(String protocol, String[] fields) {
        String[] local = fields[1].split(":");
        String[] remote = fields[2].split(":");
        int localPort = Integer.parseInt(local[1], 16);
        int remotePort = Integer.parseInt(remote[1], 16);
        // an unconnected UDP socket with a port receives from anyone: it listens
        boolean listening = protocol.startsWith("udp") ? remotePort == 0 && localPort != 0 : TCP_LISTEN.equals(fields[3]);
        return new Socket(protocol, address(local[0]), localPort, address(remote[0]), remotePort, listening);
    }

    /** /proc prints addresses as 32-bit words in host byte order (little-endian on x86 and arm64). */
    private static InetAddress address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(hex, e);
        }
    }
}
