package io.k1s0.fault.localmesh;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's floor: the least an HTTP/1.1 forward proxy on Netty's own codecs does, on one event loop, in front
 * of a fixed backend port. No routing, faults, retries, load balancing, telemetry or Vert.x: each client connection
 * gets one upstream connection and each request is forwarded whole and answered whole, as the outbound sidecar does.
 * What the sidecar costs above this row is ours; what this row costs above nginx is the JVM's and Netty's.
 */
final class NettyFloorProxy implements AutoCloseable {
    private final NioEventLoopGroup loop;
    private final Channel server;
    private final long loopThreadId;

    private NettyFloorProxy(NioEventLoopGroup loop, Channel server, long loopThreadId) {
        this.loop = loop;
        this.server = server;
        this.loopThreadId = loopThreadId;
    }

    static NettyFloorProxy start(int backendPort) throws InterruptedException, java.util.concurrent.ExecutionException {
        NioEventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("netty-floor"));
        Channel server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
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
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One client connection: absolute-URI requests in, the backend's responses out, one upstream connection. */
    private static final class ClientSide extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final int backendPort;
        private Channel upstream;

        ClientSide(int backendPort) {
            this.backendPort = backendPort;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            URI target = URI.create(request.uri());
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            FullHttpRequest forwarded = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), path,
                    request.content().retain(), request.headers().copy(), EmptyHttpHeaders.INSTANCE);
            forwarded.headers().set(HttpHeaderNames.HOST, target.getAuthority()).remove("proxy-connection");
            HttpUtil.setContentLength(forwarded, forwarded.content().readableBytes());
            if (upstream != null) {
                upstream.writeAndFlush(forwarded);
                return;
            }
            Channel client = ctx.channel();
            new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 24), new BackendSide(client));
                        }
                    })
                    .connect("127.0.0.1", backendPort)
                    .addListener((ChannelFutureListener) connected -> {
                        if (!connected.isSuccess()) {
                            forwarded.release();
                            client.close();
                            return;
                        }
                        upstream = connected.channel();
                        // The pair lives and dies together, as a sidecar's downstream and upstream stream do.
                        client.closeFuture().addListener(f -> upstream.close());
                        upstream.closeFuture().addListener(f -> client.close());
                        upstream.writeAndFlush(forwarded);
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
            client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), response.content().retain(),
                    response.headers().copy(), EmptyHttpHeaders.INSTANCE));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // a reset (load generators reset at their end) closes the connection, without a log
        }
    }
}
