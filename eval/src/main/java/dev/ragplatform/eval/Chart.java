package dev.ragplatform.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

/** A grouped bar chart of a report (one group per metric, one bar per mode), drawn with Java 2D: no libraries. */
final class Chart {

	private static final Color[] COLORS = { new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
			new Color(0xC44E52), new Color(0x8172B3) };

	private Chart() {
	}

	static void write(Path file, String title, Map<String, Map<String, Double>> metrics) throws IOException {
		System.setProperty("java.awt.headless", "true");
		List<String> modes = new ArrayList<>(metrics.keySet());
		List<String> names = List.copyOf(metrics.values().iterator().next().keySet());
		int width = 900;
		int height = 480;
		int left = 60;
		int top = 50;
		int bottom = 70;
		int plotHeight = height - top - bottom;
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, width, height);
			g.setColor(Color.DARK_GRAY);
			g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
			g.drawString(title, left, 30);
			g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
			for (int tick = 0; tick <= 10; tick += 2) { // y axis 0..1
				int y = top + plotHeight - plotHeight * tick / 10;
				g.setColor(new Color(0xE0E0E0));
				g.drawLine(left, y, width - 20, y);
				g.setColor(Color.DARK_GRAY);
				g.drawString(String.format(Locale.ROOT, "%.1f", tick / 10.0), 20, y + 4);
			}
			int groupWidth = (width - left - 40) / names.size();
			int barWidth = Math.max(8, (groupWidth - 30) / modes.size());
			for (int n = 0; n < names.size(); n++) {
				int x0 = left + 15 + n * groupWidth;
				for (int m = 0; m < modes.size(); m++) {
					double value = metrics.get(modes.get(m)).getOrDefault(names.get(n), 0.0);
					int barHeight = (int) Math.round(plotHeight * Math.max(0, Math.min(1, value)));
					int x = x0 + m * barWidth;
					g.setColor(COLORS[m % COLORS.length]);
					g.fillRect(x, top + plotHeight - barHeight, barWidth - 4, barHeight);
					g.setColor(Color.DARK_GRAY);
					g.drawString(String.format(Locale.ROOT, "%.3f", value), x, top + plotHeight - barHeight - 4);
				}
				g.drawString(names.get(n), x0, top + plotHeight + 20);
			}
			g.setStroke(new BasicStroke(1));
			for (int m = 0; m < modes.size(); m++) { // legend
				int x = left + m * 140;
				g.setColor(COLORS[m % COLORS.length]);
				g.fillRect(x, height - 30, 14, 14);
				g.setColor(Color.DARK_GRAY);
				g.drawString(modes.get(m), x + 20, height - 19);
			}
		}
		finally {
			g.dispose();
		}
		ImageIO.write(image, "png", file.toFile());
	}

}
