package io.k1s0.fault.localmesh;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.spi.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * One sidecar's HTTP/1.1 connections to upstream hosts, as Envoy keeps a keep-alive pool per cluster and
 * host. Written on Netty directly, on the caller's event loop: the request is encoded straight from the
 * forwarded header map and the response comes back whole, without the object and future layers of Vert.x's
 * HTTP client, which were most of the outbound hop's cost (docs/local-mesh-benchmark.md). Admission and
 * limits are not here: {@link UpstreamCluster} decides who may send; this only carries the bytes.
 */
final class UpstreamConnections {
    /** Whole responses up to this size; a bigger one is a connection termination, as a proxy buffer overflow would be. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    /** Envoy's default limit on a message's headers, 60 KiB; a response over it is a protocol error, as in Envoy. */
    private static final int MAX_HEADER_BYTES = 60 * 1024;
    private static final int MAX_INITIAL_LINE_BYTES = 4096;
    private static final int MAX_CHUNK_BYTES = 8192;

    /** Idle connections per event loop, each map touched only on its loop: pooling needs no lock. */
    private final Map<EventLoop, Map<PoolKey, ArrayDeque<Connection>>> idle = new ConcurrentHashMap<>();
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final Transport transport;
    private volatile boolean closed;

    /** Connections on {@code vertx}'s event loops, with its transport (NIO or native, as the loops are). */
    UpstreamConnections(Vertx vertx) {
        this.transport = ((VertxInternal) vertx).transport();
    }

    private record PoolKey(String cluster, String address, int port) {}

    /** What the upstream answered, read whole. */
    record Response(int status, MultiMap headers, Buffer body) {}

    /** An upstream request in flight; {@link #reset()} abandons it and closes its connection, as Envoy resets a stream. */
    interface Exchange {
        void reset();
    }

    /**
     * Sends {@code request} to {@code host} on a pooled connection of {@code cluster}, or a new one, on
     * {@code context}'s event loop; {@code onDone} runs on that context with the response, or with a
     * {@link java.net.ConnectException} (connect failure or timeout) or an {@link IOException} (the connection
     * ended before a whole response). {@code maxRequestsPerConnection} (0 = unlimited) closes a connection
     * after that many requests, asking the server with {@code connection: close} on the last one.
     */
    Exchange send(Context context, String cluster, Endpoint host, UpstreamRequest request, long connectTimeoutMillis,
            int maxRequestsPerConnection, Handler<Future<Response>> onDone) {
        ContextInternal ctx = (ContextInternal) context;
        EventLoop loop = ctx.nettyEventLoop();
        Call call = new Call(ctx, loop, onDone);
        if (closed) {
            call.fail(new IOException("local mesh sidecar is closing"));
            return call;
        }
        PoolKey key = new PoolKey(cluster, host.address(), host.port());
        DefaultFullHttpRequest message = message(request);
        if (loop.inEventLoop()) {
            start(loop, key, message, connectTimeoutMillis, maxRequestsPerConnection, call);
        } else {
            try {
                loop.execute(() -> start(loop, key, message, connectTimeoutMillis, maxRequestsPerConnection, call));
            } catch (RejectedExecutionException e) {   // Vert.x is shutting down
                message.release();
                call.fail(new IOException("local mesh sidecar is closing", e));
            }
        }
        return call;
    }

    private void start(EventLoop loop, PoolKey key, DefaultFullHttpRequest message, long connectTimeoutMillis, int maxRequests,
            Call call) {
        if (call.done) {
            message.release();
            return;
        }
        Connection pooled = takeIdle(loop, key);
        if (pooled != null) {
            pooled.write(message, call, maxRequests);
            return;
        }
        new Bootstrap()
                .group(loop)
                .channelFactory(transport.channelFactory(false))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeoutMillis)))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Connection connection = new Connection(key);
                        ch.pipeline().addLast(new HttpRequestEncoder(), new ResponseDecoder(connection),
                                new HttpObjectAggregator(MAX_RESPONSE_BYTES), connection);
                    }
                })
                .connect(new InetSocketAddress(key.address(), key.port()))
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        message.release();
                        call.fail(connected.cause());
                        return;
                    }
                    Channel ch = connected.channel();
                    open.add(ch);
                    ch.closeFuture().addListener(f -> open.remove(ch));
                    if (closed) {
                        ch.close();
                    }
                    ch.pipeline().get(Connection.class).write(message, call, maxRequests);
                });
    }

    /** The idle connections to {@code key} on {@code loop}, or null when there never were any. */
    private ArrayDeque<Connection> idleOn(EventLoop loop, PoolKey key) {
        return idle.getOrDefault(loop, Map.of()).get(key);
    }

    private Connection takeIdle(EventLoop loop, PoolKey key) {
        ArrayDeque<Connection> connections = idleOn(loop, key);
        while (connections != null && !connections.isEmpty()) {
            Connection c = connections.pollLast();   // the most recently used: warm, and the others may idle out
            if (c.channel.isActive()) {
                return c;
            }
        }
        return null;
    }

    private void giveBack(Connection c) {
        if (closed) {
            c.channel.close();
            return;
        }
        idle.computeIfAbsent(c.channel.eventLoop(), l -> new HashMap<>()).computeIfAbsent(c.key, k -> new ArrayDeque<>()).addLast(c);
    }

    /** The request as it goes on the wire: Host is the authority the caller used, as Envoy keeps it. */
    private static DefaultFullHttpRequest message(UpstreamRequest request) {
        HttpHeaders headers = new DefaultHttpHeaders(false);
        for (Map.Entry<String, String> h : request.headers()) {
            headers.add(h.getKey(), h.getValue());
        }
        headers.set(HttpHeaderNames.HOST, request.authority());
        Buffer body = request.body();
        int length = body == null ? 0 : body.length();
        headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        ByteBuf content = length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body.getBytes());
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method().name()), request.pathAndQuery(),
                content, headers, new DefaultHttpHeaders(false));
    }

    /** Closes every connection, idle or busy; requests still in flight end as connection terminations. */
    Future<Void> close() {
        closed = true;
        List<Future<Void>> closing = new ArrayList<>();
        for (Channel ch : open) {
            Promise<Void> channelClosed = Promise.promise();
            ch.close().addListener(done -> channelClosed.complete());
            closing.add(channelClosed.future());
        }
        return Future.all(closing).mapEmpty();
    }

    /**
     * One caller's request. Its state lives on the connection's event loop (a reset from elsewhere hops there);
     * it completes once, on the caller's context.
     */
    private static final class Call implements Exchange {
        final ContextInternal context;
        final EventLoop loop;
        final Handler<Future<Response>> onDone;
        boolean done;
        Channel channel;

        Call(ContextInternal context, EventLoop loop, Handler<Future<Response>> onDone) {
            this.context = context;
            this.loop = loop;
            this.onDone = onDone;
        }

        @Override
        public void reset() {
            if (loop.inEventLoop()) {
                abandon();
            } else {
                loop.execute(this::abandon);
            }
        }

        private void abandon() {
            if (!done) {
                done = true;
                if (channel != null) {
                    channel.close();
                }
            }
        }

        void succeed(Response response) {
            if (!done) {
                done = true;
                context.emit(Future.succeededFuture(response), onDone);
            }
        }

        void fail(Throwable cause) {
            if (!done) {
                done = true;
                context.emit(Future.failedFuture(cause), onDone);
            }
        }
    }

    /**
     * Reads responses knowing the request they answer: a response to {@code HEAD} has no body whatever its
     * {@code content-length} says, also after an interim {@code 1xx} (which Netty's client codec gets wrong).
     */
    private static final class ResponseDecoder extends HttpResponseDecoder {
        private final Connection connection;

        ResponseDecoder(Connection connection) {
            super(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, MAX_CHUNK_BYTES);
            this.connection = connection;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage message) {
            return super.isContentAlwaysEmpty(message) || connection.head;
        }
    }

    /** The last handler of one upstream connection: one request at a time (no pipelining, as Envoy's HTTP/1 pool). */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        final PoolKey key;
        Channel channel;
        Call current;
        boolean head;
        int requests;
        boolean closeAfter;

        Connection(PoolKey key) {
            this.key = key;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        void write(DefaultFullHttpRequest message, Call call, int maxRequests) {
            if (call.done) {   // reset while connecting: the connection is still good
                message.release();
                giveBack(this);
                return;
            }
            current = call;
            call.channel = channel;
            head = HttpMethod.HEAD.equals(message.method());
            requests++;
            closeAfter = maxRequests > 0 && requests >= maxRequests;
            if (closeAfter) {
                message.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            channel.writeAndFlush(message).addListener(written -> {
                if (!written.isSuccess()) {
                    channel.close();
                    call.fail(new IOException("upstream connection terminated while sending", written.cause()));
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Call call = current;
            if (response.decoderResult().isFailure()) {
                // Netty hands on what it could parse; Envoy resets the stream on a protocol error, and the connection is unusable.
                current = null;
                ctx.close();
                if (call != null) {
                    call.fail(new IOException("upstream sent a malformed response: " + response.decoderResult().cause(),
                            response.decoderResult().cause()));
                }
                return;
            }
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return;   // an interim answer such as 100 Continue: the final one follows on this connection
            }
            current = null;
            if (call == null) {
                ctx.close();   // a response nobody asked for: the connection is out of step
                return;
            }
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            for (Map.Entry<String, String> h : response.headers()) {
                headers.add(h.getKey(), h.getValue());
            }
            // One copy onto the heap (the aggregated content is released after this); Vert.x wraps it as it is.
            Buffer body = Buffer.buffer(Unpooled.copiedBuffer(response.content()));
            boolean reusable = !closeAfter && !call.done && HttpUtil.isKeepAlive(response);
            call.succeed(new Response(response.status().code(), headers, body));
            if (reusable) {
                giveBack(this);
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Call call = current;
            current = null;
            if (call != null) {
                call.fail(new IOException("upstream connection terminated before a whole response"));
            } else {
                ArrayDeque<Connection> pool = idleOn(ctx.channel().eventLoop(), key);
                if (pool != null) {
                    pool.remove(this);   // the server closed it while idle
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // a decoding error or an I/O error: the connection is done, channelInactive fails the request
        }
    }
}
