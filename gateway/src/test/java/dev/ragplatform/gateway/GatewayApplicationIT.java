package dev.ragplatform.gateway;

import dev.ragplatform.testsupport.ActuatorProbe;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;

/** Boots the service on a real port and probes its management port as Kubernetes and Prometheus would. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealPostgres
class GatewayApplicationIT {

	@LocalManagementPort
	int managementPort;

	@Test
	void isLiveReadyAndExportsMetrics() {
		new ActuatorProbe(this.managementPort).assertLiveReadyAndScraped("gateway");
	}

}
