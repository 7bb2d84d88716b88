package dev.ragplatform.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The objects of one rendering of the chart, parsed with SnakeYAML, with look-ups by kind and name and a path
 * navigator for nested fields.
 */
final class Manifests {

	/** The repository root: tests run in deploy-tests/. */
	static final Path ROOT = Path.of("").toAbsolutePath().getParent();

	static final Path CHART = ROOT.resolve("helm/rag-platform");

	static final String RELEASE = "rel";

	static final String NAMESPACE = "rag";

	/** Resource name prefix: release-chart. */
	static final String PREFIX = RELEASE + "-rag-platform-";

	static final List<String> SERVICES = List.of("gateway", "ingest-service", "embedding-service", "retrieval-service",
			"rerank-service", "llm-adapter");

	final String text;

	final List<Map<String, Object>> objects;

	private Manifests(String text) {
		this.text = text;
		this.objects = new ArrayList<>();
		for (Object doc : yaml().loadAll(text)) {
			if (doc != null) {
				this.objects.add(map(doc));
			}
		}
	}

	static Manifests render(Path chart, Consumer<TemplateCommand> options) {
		return render(chart, RELEASE, NAMESPACE, options);
	}

	static Manifests render(Path chart, String release, String namespace, Consumer<TemplateCommand> options) {
		TemplateCommand command = new Helm(chart).template().withName(release).withNamespace(namespace);
		options.accept(command);
		return new Manifests(command.call());
	}

	static Manifests render(Consumer<TemplateCommand> options) {
		return render(CHART, options);
	}

	static Manifests render(String... valuesFiles) {
		return render((command) -> {
			for (String file : valuesFiles) {
				command.withValuesFile(CHART.resolve(file));
			}
		});
	}

	static Yaml yaml() {
		return new Yaml(new SafeConstructor(new LoaderOptions()));
	}

	static Map<String, Object> readYaml(Path file) {
		try {
			return map(yaml().load(Files.readString(file)));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	List<Map<String, Object>> ofKind(String kind) {
		return this.objects.stream().filter((o) -> kind.equals(o.get("kind"))).toList();
	}

	Map<String, Object> get(String kind, String name) {
		List<Map<String, Object>> found = ofKind(kind).stream()
			.filter((o) -> name.equals(at(o, "metadata", "name")))
			.toList();
		assertThat(found).as("%s %s", kind, name).hasSize(1);
		return found.get(0);
	}

	boolean has(String kind, String name) {
		return ofKind(kind).stream().anyMatch((o) -> name.equals(at(o, "metadata", "name")));
	}

	List<String> names(String kind) {
		return ofKind(kind).stream().map((o) -> (String) at(o, "metadata", "name")).sorted().toList();
	}

	Map<String, Object> deployment(String service) {
		return get("Deployment", PREFIX + service);
	}

	/** The one container of a service's pods. */
	Map<String, Object> container(String service) {
		List<Object> containers = list(at(deployment(service), "spec", "template", "spec", "containers"));
		assertThat(containers).hasSize(1);
		return map(containers.get(0));
	}

	Map<String, Object> podSpec(String service) {
		return map(at(deployment(service), "spec", "template", "spec"));
	}

	/** The ConfigMap that a service's pods load as environment. */
	Map<String, String> config(String service) {
		Map<String, String> data = new LinkedHashMap<>();
		map(at(get("ConfigMap", PREFIX + service), "data")).forEach((k, v) -> data.put(k, (String) v));
		return data;
	}

	/** The env entry of a service's container with that name, or null. */
	Map<String, Object> env(String service, String name) {
		Object env = container(service).get("env");
		if (env == null) {
			return null;
		}
		return list(env).stream().map(Manifests::map).filter((e) -> name.equals(e.get("name"))).findFirst().orElse(null);
	}

	/** The secretKeyRef through which a service's container reads an env variable (never a literal value). */
	Map<String, Object> secretKeyRef(String service, String name) {
		Map<String, Object> entry = env(service, name);
		assertThat(entry).as("env %s of %s", name, service).isNotNull().doesNotContainKey("value");
		return map(at(entry, "valueFrom", "secretKeyRef"));
	}

	/** Follows map keys and list indices; null when a step is missing. */
	static Object at(Object node, Object... path) {
		Object current = node;
		for (Object step : path) {
			if (current == null) {
				return null;
			}
			if (step instanceof Integer index) {
				List<Object> items = list(current);
				current = (index < items.size()) ? items.get(index) : null;
			}
			else {
				current = map(current).get(step);
			}
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object node) {
		assertThat(node).isInstanceOf(Map.class);
		return (Map<String, Object>) node;
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object node) {
		assertThat(node).isInstanceOf(List.class);
		return (List<Object>) node;
	}

	/** Whether a Kubernetes label selector (matchLabels, matchExpressions with In/NotIn/Exists) selects labels. */
	static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
		Object matchLabels = selector.get("matchLabels");
		if (matchLabels != null) {
			for (Map.Entry<String, Object> e : map(matchLabels).entrySet()) {
				if (!String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey())))) {
					return false;
				}
			}
		}
		Object expressions = selector.get("matchExpressions");
		if (expressions != null) {
			for (Object item : list(expressions)) {
				Map<String, Object> expression = map(item);
				Object value = labels.get(expression.get("key"));
				List<Object> values = (expression.get("values") != null) ? list(expression.get("values")) : List.of();
				boolean ok = switch ((String) expression.get("operator")) {
					case "In" -> value != null && values.contains(value);
					case "NotIn" -> value == null || !values.contains(value);
					case "Exists" -> value != null;
					case "DoesNotExist" -> value == null;
					default -> throw new IllegalArgumentException("operator " + expression.get("operator"));
				};
				if (!ok) {
					return false;
				}
			}
		}
		return true;
	}

}
