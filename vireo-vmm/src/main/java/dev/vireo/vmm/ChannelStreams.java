package dev.vireo.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Blocking streams over a {@link SocketChannel} (Unix-domain or TCP) that a reader thread and
 * a writer thread may use at the same time. ({@code Channels.newInputStream} may serialize
 * reads and writes on the channel's blocking lock, which would deadlock a bidirectional
 * console proxy.)
 */
public final class ChannelStreams {
    private ChannelStreams() {}

    public static InputStream input(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                int n = channel.read(ByteBuffer.wrap(b, off, len));
                return n;
            }

            @Override
            public void close() throws IOException { channel.close(); }
        };
    }

    public static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) channel.write(buffer);
            }

            @Override
            public void close() throws IOException { channel.close(); }
        };
    }
}
