package dev.ragplatform.gateway;

import dev.ragplatform.testsupport.ActuatorProbe;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Boots the service on a real port and probes it as Kubernetes and Prometheus would. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
class GatewayApplicationIT {

	@LocalServerPort
	int port;

	@Test
	void isLiveReadyAndExportsMetrics() {
		new ActuatorProbe(this.port).assertLiveReadyAndScraped("gateway");
	}

}
