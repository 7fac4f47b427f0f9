package jcri.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Kubernetes channel framing on a netty EmbeddedChannel: frames in, bytes out of the channel inputs, and back. */
class WebSocketChannelsTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static BinaryWebSocketFrame binary(int channel, String data) {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) channel}, bytes(data)));
    }

    private static String readAll(InboundStream in) {
        var out = new StringBuilder();
        var buffer = new byte[64];
        for (int n; (n = in.read(buffer, 0, buffer.length)) > 0; ) {
            out.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    @Test
    void binaryMessagesGoToTheirChannelAndUnknownChannelsAreDropped() {
        var ws = new WebSocketChannels("v4.channel.k8s.io");
        var channel = new EmbeddedChannel(ws);
        var stdin = ws.input(0);
        channel.writeInbound(binary(0, "echo hi\n"), binary(7, "ignored"), binary(0, "exit\n"));
        stdin.end();
        assertEquals("echo hi\nexit\n", readAll(stdin));
    }

    @Test
    void outputIsPrefixedWithTheChannelNumber() throws Exception {
        var ws = new WebSocketChannels("v4.channel.k8s.io");
        var channel = new EmbeddedChannel(ws);
        ws.output(2).write(bytes("err"));
        var frame = assertInstanceOf(BinaryWebSocketFrame.class, channel.readOutbound());
        assertArrayEquals(new byte[] {2, 'e', 'r', 'r'}, ByteBufUtil.getBytes(frame.content()));
        frame.release();
    }

    @Test
    void base64ProtocolsCarryAnAsciiChannelDigitAndBase64Text() throws Exception {
        var ws = new WebSocketChannels("base64.channel.k8s.io");
        var channel = new EmbeddedChannel(ws);
        var stdin = ws.input(0);
        channel.writeInbound(new TextWebSocketFrame("0" + java.util.Base64.getEncoder().encodeToString(bytes("\u0000binary\u00ff"))));
        stdin.end();
        assertEquals("\u0000binary\u00ff", readAll(stdin));

        ws.output(1).write(bytes("out"));
        var frame = assertInstanceOf(TextWebSocketFrame.class, channel.readOutbound());
        assertEquals("1" + java.util.Base64.getEncoder().encodeToString(bytes("out")), frame.text());
        frame.release();
    }

    @Test
    void v5ClosesAChannelsInputWithAMessageOnChannel255() {
        var ws = new WebSocketChannels("v5.channel.k8s.io");
        var channel = new EmbeddedChannel(ws);
        var stdin = ws.input(0);
        channel.writeInbound(binary(0, "data"), new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 255, 0})),
                binary(0, "after the close"));
        assertEquals("data", readAll(stdin), "end of input after the close signal; later data is dropped");
    }

    @Test
    void beforeV5Channel255IsAnOrdinaryChannel() {
        var ws = new WebSocketChannels("v4.channel.k8s.io");
        var channel = new EmbeddedChannel(ws);
        var stdin = ws.input(0);
        var ch255 = ws.input(255);
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 255, 0})), binary(0, "still open"));
        stdin.end();
        ch255.end();
        assertEquals("still open", readAll(stdin));
        assertEquals("\u0000", readAll(ch255));
    }

    @Test
    void pingsAreAnsweredAndACloseIsReturnedAndEndsTheConnection() {
        var ws = new WebSocketChannels("");
        var channel = new EmbeddedChannel(ws);
        channel.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(bytes("p"))));
        var pong = assertInstanceOf(PongWebSocketFrame.class, channel.readOutbound());
        assertEquals("p", pong.content().toString(StandardCharsets.UTF_8));
        pong.release();

        var stdin = ws.input(0);
        channel.writeInbound(new CloseWebSocketFrame(1000, "bye"));
        var close = assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
        assertEquals(1000, close.statusCode());
        close.release();
        channel.runPendingTasks();
        assertFalse(channel.isActive());
        assertTrue(ws.closed().isDone());
        assertEquals(-1, stdin.read(new byte[1], 0, 1), "inputs end with the connection");
        assertNull(channel.readInbound());
    }

    @Test
    void aFullInputStopsReadingFromTheConnectionUntilDrained() {
        var ws = new WebSocketChannels("v4.channel.k8s.io");
        var channel = new EmbeddedChannel(ws);
        var stdin = ws.input(0);
        var chunk = "x".repeat(64 << 10);
        for (int i = 0; i <= InboundStream.HIGH_WATER / chunk.length(); i++) {
            channel.writeInbound(binary(0, chunk));
        }
        assertFalse(channel.config().isAutoRead(), "more than HIGH_WATER bytes wait");
        var buffer = new byte[chunk.length()];
        while (channel.config().isAutoRead() == false && stdin.read(buffer, 0, buffer.length) > 0) {
            // drain until the gate opens
        }
        assertTrue(channel.config().isAutoRead());
    }
}
