package dev.ragplatform.ingest.connector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.nodeTypes.NodeWithJavadoc;
import com.github.javaparser.javadoc.Javadoc;

/**
 * Reads the public API of Java sources — a JDK's {@code lib/src.zip} (entries {@code <module>/<package path>/X.java})
 * or a Maven {@code -sources.jar} — with JavaParser, and turns every public method and constructor of a public
 * type in an exported package (a JDK module's {@code module-info.java} decides; a jar has none, so all count) into
 * one document: its fully qualified name ({@code package.Class.method}, constructors
 * {@code package.Class.Class}), its signature, and its javadoc summary and text.
 */
public final class JavaApiExtractor {

	private static final Pattern INLINE_TAG = Pattern.compile("\\{@(?:code|literal|link|linkplain|value)\\s+([^}]*)}");

	private static final Pattern HTML = Pattern.compile("<[^>]+>");

	/** An unqualified export: the package is public API (qualified ones, {@code exports p to m;}, are not). */
	private static final Pattern EXPORT = Pattern.compile("\\bexports\\s+([\\w.]+)\\s*;");

	/** Javadoc text kept per method: the opening paragraphs say what it is for; the rest is detail. */
	static final int MAX_DESCRIPTION = 1500;

	private JavaApiExtractor() {
	}

	/**
	 * Calls {@code sink} with every API document of the archive's sources in the given modules (all when empty) and
	 * packages (prefixes; all when empty). Parses on two threads (JavaParser is not thread-safe: one per thread).
	 *
	 * @return how many source files failed to parse
	 */
	public static int extract(Path archive, Set<String> modules, List<String> packages, Consumer<ApiDoc> sink)
			throws IOException, InterruptedException {
		List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
		try (ZipFile zip = new ZipFile(archive.toFile());
				ExecutorService pool = Executors.newFixedThreadPool(2)) {
			ThreadLocal<JavaParser> parsers = ThreadLocal.withInitial(() -> new JavaParser(
					new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_25)));
			Map<String, Set<String>> exported = exports(zip);
			List<Future<?>> tasks = new ArrayList<>();
			for (ZipEntry entry : Collections.list(zip.entries())) {
				String name = entry.getName();
				if (entry.isDirectory() || !name.endsWith(".java") || name.endsWith("module-info.java")
						|| name.endsWith("package-info.java")) {
					continue;
				}
				int slash = name.indexOf('/');
				boolean jdkLayout = slash > 0 && name.substring(0, slash).contains(".")
						&& !name.substring(0, slash).equals("META-INF");
				String module = jdkLayout ? name.substring(0, slash) : "";
				if (!modules.isEmpty() && !modules.contains(module)) {
					continue;
				}
				String path = jdkLayout ? name.substring(slash + 1) : name;
				String pkg = path.contains("/") ? path.substring(0, path.lastIndexOf('/')).replace('/', '.') : "";
				if (!packages.isEmpty() && packages.stream().noneMatch((p) -> pkg.equals(p) || pkg.startsWith(p + "."))) {
					continue;
				}
				if (exported.containsKey(module) && !exported.get(module).contains(pkg)) {
					continue; // a JDK module's internal package (sun.*, jdk.internal.*): not API
				}
				tasks.add(pool.submit(() -> {
					try (InputStream in = zip.getInputStream(entry)) {
						ParseResult<CompilationUnit> parsed = parsers.get()
							.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
						if (parsed.getResult().isEmpty()) {
							failures.add(new Failure(name, parsed.getProblems().toString()));
							return null;
						}
						CompilationUnit unit = parsed.getResult().get();
						for (TypeDeclaration<?> type : unit.getTypes()) {
							visit(type, pkg, pkg, module, sink);
						}
					}
					return null;
				}));
			}
			for (Future<?> task : tasks) {
				try {
					task.get();
				}
				catch (java.util.concurrent.ExecutionException ex) {
					failures.add(new Failure("?", String.valueOf(ex.getCause())));
				}
			}
		}
		return failures.size();
	}

	/** Per JDK module, the packages its {@code module-info.java} exports to everyone. */
	private static Map<String, Set<String>> exports(ZipFile zip) throws IOException {
		Map<String, Set<String>> exports = new java.util.HashMap<>();
		for (ZipEntry entry : Collections.list(zip.entries())) {
			String name = entry.getName();
			if (name.endsWith("/module-info.java") && name.indexOf('/') == name.lastIndexOf('/')) {
				try (InputStream in = zip.getInputStream(entry)) {
					String source = new String(in.readAllBytes(), StandardCharsets.UTF_8)
						.replaceAll("(?s)/\\*.*?\\*/", "")
						.replaceAll("//[^\n]*", "");
					Set<String> packages = new java.util.HashSet<>();
					java.util.regex.Matcher m = EXPORT.matcher(source);
					while (m.find()) {
						packages.add(m.group(1));
					}
					exports.put(name.substring(0, name.indexOf('/')), packages);
				}
			}
		}
		return exports;
	}

	private static void visit(TypeDeclaration<?> type, String pkg, String owner, String module, Consumer<ApiDoc> sink) {
		if (!type.isPublic() && !(type.isNestedType() && isInterfaceMember(type))) {
			return;
		}
		String typeName = owner.isEmpty() ? type.getNameAsString() : owner + "." + type.getNameAsString();
		boolean isInterface = type.isClassOrInterfaceDeclaration() && type.asClassOrInterfaceDeclaration().isInterface();
		for (BodyDeclaration<?> member : type.getMembers()) {
			if (member instanceof MethodDeclaration method
					&& (method.isPublic() || (isInterface && !method.isPrivate()))) {
				sink.accept(doc(method, typeName + "." + method.getNameAsString(), "method", pkg, typeName, module));
			}
			else if (member instanceof ConstructorDeclaration constructor && constructor.isPublic()) {
				sink.accept(doc(constructor, typeName + "." + type.getNameAsString(), "constructor", pkg, typeName,
						module));
			}
			else if (member instanceof TypeDeclaration<?> nested) {
				visit(nested, pkg, typeName, module, sink);
			}
		}
	}

	private static boolean isInterfaceMember(TypeDeclaration<?> type) {
		return type.getParentNode()
			.filter((p) -> p instanceof com.github.javaparser.ast.body.ClassOrInterfaceDeclaration c && c.isInterface())
			.isPresent() && !type.isPrivate();
	}

	private static ApiDoc doc(CallableDeclaration<?> callable, String api, String kind, String pkg, String type,
			String module) {
		String params = callable.getParameters()
			.stream()
			.map((p) -> p.getType().asString() + (p.isVarArgs() ? "..." : ""))
			.reduce((a, b) -> a + "," + b)
			.orElse("");
		String signature = callable.getDeclarationAsString(true, true, true);
		String description = "";
		if (callable instanceof NodeWithJavadoc<?> withJavadoc) {
			description = withJavadoc.getJavadoc().map(Javadoc::getDescription).map((d) -> clean(d.toText())).orElse("");
		}
		String summary = firstSentence(description);
		if (description.length() > MAX_DESCRIPTION) {
			description = description.substring(0, MAX_DESCRIPTION);
		}
		String text = api + "\n" + signature + (description.isEmpty() ? "" : "\n" + description);
		return new ApiDoc(api + "(" + params + ")", api, signature, summary, text,
				Map.of("api", api, "kind", kind, "package", pkg, "type", type, "module", module));
	}

	static String clean(String javadoc) {
		// {@link Foo#bar(int)} → Foo.bar(int), {@link #bar} → bar
		String text = INLINE_TAG.matcher(javadoc)
			.replaceAll((m) -> java.util.regex.Matcher.quoteReplacement(m.group(1).trim().replaceFirst("^#", "")
				.replace('#', '.')));
		text = HTML.matcher(text).replaceAll(" ");
		text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&nbsp;", " ");
		return text.replaceAll("\\s+", " ").trim();
	}

	static String firstSentence(String text) {
		if (text.isEmpty()) {
			return text;
		}
		BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
		sentences.setText(text);
		int end = sentences.next();
		return (end == BreakIterator.DONE) ? text : text.substring(0, end).trim();
	}

	/**
	 * One method or constructor.
	 *
	 * @param id unique among overloads: {@code api(ParamType,…)}
	 * @param api {@code package.Class.method} (constructors {@code package.Class.Class})
	 * @param signature the declaration as written, with modifiers and throws
	 * @param summary the javadoc's first sentence
	 * @param text what is indexed: name, signature and javadoc text
	 * @param metadata {@code api kind package type module}, for filters
	 */
	public record ApiDoc(String id, String api, String signature, String summary, String text,
			Map<String, Object> metadata) {
	}

	private record Failure(String file, String problem) {
	}

}
