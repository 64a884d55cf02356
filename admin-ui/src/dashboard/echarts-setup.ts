/**
 * ECharts with only what the dashboard cards and the report runner draw (line, bar, pie; axes and
 * tooltip — no legend: a pie names its slices itself); imported on demand, after the KPI figures.
 */
import { init, use } from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, CanvasRenderer])

export { init }
