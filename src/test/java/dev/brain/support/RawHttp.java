package dev.brain.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Hand-written HTTP/1.1 over a loopback socket, for clients no HTTP library would be: slow, silent, or gone. */
public final class RawHttp {
    private RawHttp() {
    }

    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends the headers of POST /v1/events announcing contentLength bytes, then the first bytes of the body. */
    public static Socket startPost(int port, String key, long contentLength, String firstBytes) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        s.setSoTimeout(30_000);
        String head = "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n";
        s.getOutputStream().write((head + firstBytes).getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return s;
    }

    /** True once the server has started answering (or closed): a read would not block. */
    public static boolean answered(Socket s) {
        try {
            return s.getInputStream().available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Reads one response: status line, headers, and a Content-Length body (blocks up to the socket timeout). */
    public static Answer read(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        String status = line(in);
        if (status == null) {
            throw new IOException("the connection closed without an answer");
        }
        Map<String, String> headers = new HashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Answer(Integer.parseInt(status.split(" ")[1]), headers, body);
    }

    private static String line(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                out.write(b);
            }
        }
        return b == -1 && out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
    }

    public static void closeQuietly(Iterable<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** Writes one body byte to each socket every period, like a client on a dying link, until closed. */
    public static final class Trickle implements AutoCloseable {
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        public Trickle(long periodMillis) {
            thread = new Thread(() -> {
                while (running) {
                    for (Socket s : sockets) {
                        try {
                            s.getOutputStream().write(' ');
                            s.getOutputStream().flush();
                        } catch (IOException e) {
                            sockets.remove(s);
                        }
                    }
                    try {
                        Thread.sleep(periodMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "trickle");
            thread.setDaemon(true);
            thread.start();
        }

        public Socket add(Socket s) {
            sockets.add(s);
            return s;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(10_000);
        }
    }
}
