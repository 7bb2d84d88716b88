package dev.ragplatform.gateway.request;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PathGuardTests {

	@ParameterizedTest
	@ValueSource(strings = { "/api/v1/collections/mine/../theirs/documents", "/api/v1/collections/mine/%2e%2e/theirs",
			"/api/v1/collections/mine/%2E./theirs", "/api/v1/collections/./mine", "/api/v1/collections/mine%2Ftheirs",
			"/api/v1/collections/mine%5ctheirs", "/api/v1/collections/mine;x=1/documents", "/api/v1//collections",
			"/api/v1/collections/mine\\..\\theirs", "/api/v1/collections/%zz", "/api/v1/collections/mine%3Bx" })
	void refusesPathsTheServicesCouldReadDifferently(String path) {
		assertThat(PathGuard.problemWith(path)).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/v1/search", "/api/v1/collections/kb-1/documents/abc:retry",
			"/api/v1/collections/kb/documents/", "/api/v1/collections/kb%2Dx", "/api/v1/collections/a..b" })
	void letsOrdinaryPathsThrough(String path) {
		assertThat(PathGuard.problemWith(path)).isNull();
	}

}
