package io.runstream.training.engine;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small generated data sets with a known signal. */
public final class Datasets {

    private Datasets() {
    }

    /** churn = 1 when tenure is short and charges are high (plus 5% label noise); plan is categorical. */
    public static String churnCsv(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("CustomerID,Tenure,MonthlyCharges,Plan,Noise,Churn\n");
        String[] plans = {"basic", "plus", "premium"};
        for (int i = 0; i < rows; i++) {
            int tenure = random.nextInt(72);
            double charges = 20 + random.nextDouble() * 100;
            String plan = plans[random.nextInt(3)];
            boolean churn = (tenure < 24 && charges > 60) || plan.equals("basic") && tenure < 6;
            if (random.nextDouble() < 0.05) {
                churn = !churn;
            }
            String chargesText = random.nextDouble() < 0.02 ? "" : String.format(java.util.Locale.ROOT, "%.2f", charges);
            csv.append("C").append(i).append(',').append(tenure).append(',').append(chargesText).append(',')
                    .append(plan).append(',').append(random.nextInt(100)).append(',').append(churn).append('\n');
        }
        return csv.toString();
    }

    /** price = 3*size + 50*rooms + noise. */
    public static String housesCsv(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("Id,Size,Rooms,City,Price\n");
        String[] cities = {"north", "south"};
        for (int i = 0; i < rows; i++) {
            double size = 30 + random.nextDouble() * 200;
            int rooms = 1 + random.nextInt(6);
            String city = cities[random.nextInt(2)];
            double price = 3 * size + 50 * rooms + (city.equals("north") ? 100 : 0) + random.nextGaussian() * 10;
            csv.append(i).append(',').append(String.format(java.util.Locale.ROOT, "%.1f", size)).append(',').append(rooms)
                    .append(',').append(city).append(',').append(String.format(java.util.Locale.ROOT, "%.2f", price)).append('\n');
        }
        return csv.toString();
    }

    /** Daily sales with a weekly pattern, a slow trend and noise. */
    public static String seasonalCsv(int days, long seed) {
        Random random = new Random(seed);
        double[] weekly = {10, 12, 15, 20, 30, 45, 25};
        StringBuilder csv = new StringBuilder("Store,Date,Sales\n");
        LocalDate start = LocalDate.of(2024, 1, 1);
        for (int d = 0; d < days; d++) {
            LocalDate date = start.plusDays(d);
            double sales = 100 + d * 0.1 + weekly[date.getDayOfWeek().getValue() - 1] + random.nextGaussian() * 2;
            csv.append("S1,").append(date).append(',').append(String.format(java.util.Locale.ROOT, "%.2f", sales)).append('\n');
        }
        return csv.toString();
    }

    public static DataTable table(String csv) {
        String[] lines = csv.split("\n");
        List<String> header = List.of(lines[0].split(",", -1));
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            rows.add(lines[i].split(",", -1));
        }
        return DataTable.of(header, rows);
    }
}
