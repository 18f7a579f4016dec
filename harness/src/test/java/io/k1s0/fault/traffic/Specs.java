package io.k1s0.fault.traffic;

import io.restassured.builder.RequestSpecBuilder;
import io.restassured.specification.RequestSpecification;

final class Specs {

    private Specs() {
    }

    static RequestSpecification loopback(int port, String path) {
        return new RequestSpecBuilder().setBaseUri("http://127.0.0.1").setPort(port).setBasePath(path).build();
    }
}
