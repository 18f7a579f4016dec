package io.k1s0.fault.localmesh;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's floor: the least an HTTP/1.1 forward proxy on Netty's own codecs does, on one event loop, in front
 * of a fixed backend port. Like the outbound sidecar it reads each request whole, removes the hop-by-hop headers both
 * ways and answers whole; unlike it, it does no routing, faults, retries, load balancing, telemetry or Istio headers,
 * has no Vert.x, and pins one upstream connection to each client connection instead of pooling (the load generators
 * keep their connections, so both open one upstream connection per client connection, once).
 * It runs on the transport the local mesh runs on: Netty's epoll where it loads, else Java's selector.
 * What the sidecar costs above this row is ours; what this row costs above nginx is the JVM's and Netty's.
 */
final class NettyFloorProxy implements AutoCloseable {
    private static final boolean EPOLL = Epoll.isAvailable();
    private final EventLoopGroup loop;
    private final Channel server;
    private final long loopThreadId;

    private NettyFloorProxy(EventLoopGroup loop, Channel server, long loopThreadId) {
        this.loop = loop;
        this.server = server;
        this.loopThreadId = loopThreadId;
    }

    static NettyFloorProxy start(int backendPort) throws InterruptedException, ExecutionException {
        DefaultThreadFactory threads = new DefaultThreadFactory("netty-floor");
        EventLoopGroup loop = EPOLL ? new EpollEventLoopGroup(1, threads) : new NioEventLoopGroup(1, threads);
        Class<? extends ServerSocketChannel> serverChannel = EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        try {
            Channel server = new ServerBootstrap().group(loop).channel(serverChannel)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new ClientSide(backendPort));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            AtomicLong threadId = new AtomicLong();
            loop.submit(() -> threadId.set(Thread.currentThread().getId())).get();
            return new NettyFloorProxy(loop, server, threadId.get());
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** CPU time of its one event loop so far. */
    long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(loopThreadId);
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Removes the headers a proxy must not forward, the set the sidecar removes ({@link HopByHop}). */
    private static HttpHeaders withoutHopByHop(HttpHeaders headers) {
        List<String> found = new ArrayList<>(2);
        for (String name : headers.names()) {
            if (HopByHop.is(name)) {
                found.add(name);
            }
        }
        found.forEach(headers::remove);
        return headers;
    }

    /** One client connection: absolute-URI requests in, the backend's responses out, one upstream connection. */
    private static final class ClientSide extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final int backendPort;
        /** The upstream connection once asked for; requests wait on it in order, so a pipelined one cannot overtake. */
        private ChannelFuture upstream;

        ClientSide(int backendPort) {
            this.backendPort = backendPort;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            URI target = absoluteTarget(request.uri());
            if (target == null) {
                ByteBuf text = Unpooled.copiedBuffer("a forward proxy: send absolute-URI requests (curl -x)\n", StandardCharsets.UTF_8);
                FullHttpResponse refused = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, text);
                HttpUtil.setContentLength(refused, text.readableBytes());
                ctx.writeAndFlush(refused);
                return;
            }
            String path = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                    + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            FullHttpRequest forwarded = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), path,
                    request.content().retain(), withoutHopByHop(request.headers().copy()), EmptyHttpHeaders.INSTANCE);
            forwarded.headers().set(HttpHeaderNames.HOST, target.getRawAuthority());
            HttpUtil.setContentLength(forwarded, forwarded.content().readableBytes());
            if (upstream == null) {
                upstream = connect(ctx.channel());
            }
            upstream.addListener((ChannelFutureListener) connected -> {
                if (connected.isSuccess()) {
                    connected.channel().writeAndFlush(forwarded);
                } else {
                    forwarded.release();
                }
            });
        }

        /** The URI of an absolute-form request target ({@code http://host[:port]/path}), or null for any other form. */
        private static URI absoluteTarget(String requestTarget) {
            try {
                URI uri = new URI(requestTarget);
                return uri.isAbsolute() && uri.getRawAuthority() != null ? uri : null;
            } catch (URISyntaxException e) {
                return null;
            }
        }

        private ChannelFuture connect(Channel client) {
            return new Bootstrap().group(client.eventLoop()).channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 24), new BackendSide(client));
                        }
                    })
                    .connect("127.0.0.1", backendPort)
                    .addListener((ChannelFutureListener) connected -> {
                        if (!connected.isSuccess()) {
                            client.close();
                            return;
                        }
                        // The pair lives and dies together, as a sidecar's downstream and upstream stream do.
                        client.closeFuture().addListener(f -> connected.channel().close());
                        connected.channel().closeFuture().addListener(f -> client.close());
                    });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // a reset (load generators reset at their end) closes the connection, without a log
        }
    }

    /** The upstream connection of one client connection: each whole response goes back to that client. */
    private static final class BackendSide extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Channel client;

        BackendSide(Channel client) {
            this.client = client;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            FullHttpResponse back = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), response.content().retain(),
                    withoutHopByHop(response.headers().copy()), EmptyHttpHeaders.INSTANCE);
            HttpUtil.setContentLength(back, back.content().readableBytes());
            client.writeAndFlush(back);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // a reset (load generators reset at their end) closes the connection, without a log
        }
    }
}
