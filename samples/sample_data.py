"""Content of the sample workbooks: realistic, invented BC-style catalogue records.

Written for this project (no text is copied from the real catalogue). Keys are the
template's machine column names (``contacts_1_email``), checked against the layout by
``make_samples.py``. E-mail addresses and links use ``example.gov.bc.ca`` hosts, so nothing
here points at a real mailbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

#: the organizations the samples publish under. They must exist in the catalogue the
#: samples are imported into (the dev catalogue seeds them, see docs/check-report.md).
ORG_MINISTRY = "devcat-ministry"
ORG_BRANCH = "devcat-branch"
ORG_AGENCY = "devcat-agency"
ORGS = (ORG_MINISTRY, ORG_BRANCH, ORG_AGENCY)

OGL_BC = "Open Government Licence - British Columbia"
KINGS_PRINTER = "King's Printer Licence - British Columbia"
ACCESS_ONLY = "Access Only"
OGL_CANADA = "Open Government Licence - Canada"

HOST = "https://data.example.gov.bc.ca"
MAPS = "https://openmaps.example.gov.bc.ca/geo/pub"
BC_EXTENT = {
    "geographic_extent_1_north_bound_latitude": "60.0",
    "geographic_extent_1_south_bound_latitude": "48.0",
    "geographic_extent_1_east_bound_longitude": "-113.5",
    "geographic_extent_1_west_bound_longitude": "-139.5",
}

Row = dict[str, Any]


def dataset(
    name: str,
    title: str,
    org: str,
    notes: str,
    keywords: str,
    inbox: tuple[str, str],
    person: tuple[str, str, str] | None = None,
    created: dt.date = dt.date(2019, 4, 1),
    modified: dt.date | None = None,
    status: str = "onGoing",
    links: tuple[tuple[str, str], ...] = (),
    **extra: Any,
) -> Row:
    """One datasets row: a generic inbox as first, displayed point of contact; optionally a
    named person (name, e-mail, role) who is not displayed."""
    row: Row = {
        "title": title,
        "name": name,
        "owner_org": org,
        "publish_state": "DRAFT",
        "notes": notes,
        "license_id": OGL_BC,
        "contacts_1_name": inbox[0],
        "contacts_1_email": inbox[1],
        "contacts_1_role": "pointOfContact",
        "contacts_1_displayed": "Yes",
        "security_class": "PUBLIC",
        "view_audience": "Public",
        "download_audience": "Public",
        "metadata_visibility": "Public",
        "tag_string": keywords,
        "dates_1_type": "Created",
        "dates_1_date": created,
        "resource_status": status,
    }
    if person:
        row |= {"contacts_2_name": person[0], "contacts_2_email": person[1],
                "contacts_2_role": person[2], "contacts_2_displayed": "No"}
    if modified:
        row |= {"dates_2_type": "Modified", "dates_2_date": modified}
    for i, (description, url) in enumerate(links, start=1):
        row |= {f"more_info_{i}_description": description, f"more_info_{i}_url": url}
    row.update(extra)
    return row


def resource(dataset_name: str, name: str, kind: str, url: str, fmt: str, storage: str,
             cycle: str = "annually", rtype: str = "data", access: str = "direct access",
             **extra: Any) -> Row:
    row: Row = {
        "dataset_name": dataset_name,
        "name": name,
        "url": url,
        "bcdc_type": kind,
        "resource_update_cycle": cycle,
        "format": fmt,
        "resource_storage_location": storage,
        "resource_type": rtype,
        "resource_access_method": access,
    }
    row.update(extra)
    return row


def bcgw(dataset_name: str, name: str, object_name: str, short: str, topic: str,
         cycle: str = "weekly", **extra: Any) -> Row:
    """A BC Geographic Warehouse layer: geographic, SDO_GEOMETRY, BC Albers."""
    return resource(
        dataset_name, name, "geographic",
        f"{HOST}/dataset/{dataset_name}/resource/{short.lower()}", "oracle_sde",
        "bc geographic warehouse", cycle=cycle, access="indirect access",
        spatial_datatype="SDO_GEOMETRY", object_name=object_name, object_short_name=short,
        projection_name="epsg3005", iso_topic_category=topic, **BC_EXTENT, **extra,
    )


def wms(dataset_name: str, object_name: str) -> Row:
    return resource(
        dataset_name, "Web Map Service", "webservice",
        f"{MAPS}/{object_name}/ows?service=WMS&request=GetCapabilities", "wms",
        "bc geographic warehouse", cycle="weekly", access="service",
        projection_name="epsg3857",
    )


def document(dataset_name: str, name: str, path: str, fmt: str, cycle: str = "annually",
             **extra: Any) -> Row:
    return resource(dataset_name, name, "document", f"{HOST}/{path}", fmt,
                    "catalogue data store", cycle=cycle, **extra)


FOREST = ("Forest Analysis Inventory", "forest.inventory@example.gov.bc.ca")
FISH = ("Fish Passage Program", "fish.passage@example.gov.bc.ca")
WATER = ("Groundwater Data Team", "groundwater.data@example.gov.bc.ca")
ROADS = ("DriveBC Data Services", "drivebc.data@example.gov.bc.ca")
FIRE = ("Wildfire Predictive Services", "wildfire.data@example.gov.bc.ca")
EDUC = ("Education Analytics", "education.analytics@example.gov.bc.ca")
PARKS = ("Parks Planning Office", "parks.planning@example.gov.bc.ca")
STATS = ("Statistics Inquiries", "stats.inquiries@example.gov.bc.ca")

DATASETS: list[Row] = [
    dataset(
        "vri-forest-vegetation-composite-layer-1",
        "VRI - Forest Vegetation Composite Layer 1 (L1)", ORG_BRANCH,
        "The Vegetation Resources Inventory (VRI) describes where vegetation is and how much "
        "of it there is. Layer 1 is the leading layer of each polygon: tree species, age, "
        "height and site index, projected to the current year.",
        "forest inventory, VRI, vegetation, tree species, stand age", FOREST,
        ("Mara Okafor", "mara.okafor@example.gov.bc.ca", "dataManager"),
        created=dt.date(2012, 6, 1), modified=dt.date(2024, 3, 15),
        purpose="Strategic and operational forest planning, timber supply review.",
        data_quality="Photo-interpreted; ground-sampled in selected management units.",
        lineage_statement="Polygons are updated yearly for depletions (harvest, fire).",
        support_url="https://support.example.gov.bc.ca/forest-inventory",
        links=(("VRI standards and procedures", f"{HOST}/forest/vri-standards"),),
    ),
    dataset(
        "vri-forest-cover-depletions",
        "VRI - Forest Cover Depletions", ORG_BRANCH,
        "Areas removed from the forest inventory since the last photo year, by harvest, "
        "wildfire or land-use change, with the year of depletion.",
        "forest inventory, depletion, harvest, disturbance", FOREST,
        created=dt.date(2015, 1, 20), modified=dt.date(2024, 2, 1),
    ),
    dataset(
        "fish-passage-assessed-crossings",
        "Fish Passage - Assessed Stream Crossings", ORG_BRANCH,
        "Road-stream crossings assessed in the field for fish passage: culvert type, "
        "outlet drop, slope, and whether the crossing is a barrier to fish.",
        "fish passage, culverts, stream crossings, barriers", FISH,
        ("Devon Singh", "devon.singh@example.gov.bc.ca", "businessExpert"),
        created=dt.date(2010, 9, 1), modified=dt.date(2024, 5, 30),
        links=(("Fish passage assessment field guide", f"{HOST}/fish/field-guide"),
               ("Remediation priorities", f"{HOST}/fish/priorities")),
    ),
    dataset(
        "fish-passage-habitat-confirmations",
        "Fish Passage - Habitat Confirmations", ORG_BRANCH,
        "Surveys upstream of barrier crossings confirming how much habitat a fix would "
        "reconnect, and which species use it.",
        "fish passage, habitat, salmon, surveys", FISH,
        created=dt.date(2016, 4, 12),
    ),
    dataset(
        "groundwater-wells",
        "Groundwater Wells and Aquifers - Registered Wells", ORG_MINISTRY,
        "Water wells registered in the province: location, depth, yield, lithology and "
        "well construction details reported by drillers.",
        "groundwater, wells, aquifers, water supply", WATER,
        ("Priya Natarajan", "priya.natarajan@example.gov.bc.ca", "custodian"),
        created=dt.date(2005, 3, 1), modified=dt.date(2024, 6, 3),
        lineage_statement="Entered from well construction reports since 1960s.",
        links=(("Groundwater wells search", f"{HOST}/groundwater/search"),),
    ),
    dataset(
        "groundwater-observation-well-levels",
        "Provincial Groundwater Observation Well Network - Water Levels", ORG_MINISTRY,
        "Daily groundwater levels measured at observation wells across the province.",
        "groundwater, water levels, observation wells, drought", WATER,
        created=dt.date(2008, 7, 1), modified=dt.date(2024, 6, 1),
    ),
    dataset(
        "aquifers-mapped",
        "Mapped Aquifers", ORG_MINISTRY,
        "Boundaries of mapped aquifers with their classification, productivity and "
        "vulnerability ranking.",
        "aquifers, groundwater, hydrogeology", WATER,
        created=dt.date(2011, 2, 14),
    ),
    dataset(
        "road-closures-and-events",
        "Highway Road Closures and Events", ORG_AGENCY,
        "Current and planned highway events: closures, construction, incidents and "
        "chain-up requirements, refreshed every few minutes.",
        "road closures, highways, traffic, events", ROADS,
        created=dt.date(2014, 11, 5), modified=dt.date(2024, 6, 10),
        support_url="https://support.example.gov.bc.ca/drivebc",
    ),
    dataset(
        "highway-webcams",
        "Highway Webcams", ORG_AGENCY,
        "Locations of highway webcams and links to their latest images.",
        "webcams, highways, road conditions", ROADS,
        created=dt.date(2013, 10, 1),
    ),
    dataset(
        "traffic-volumes-permanent-counters",
        "Traffic Volumes - Permanent Count Stations", ORG_AGENCY,
        "Hourly traffic volumes by direction at permanent count stations on provincial "
        "highways.",
        "traffic volumes, traffic counts, highways", ROADS,
        ("Liam Chen", "liam.chen@example.gov.bc.ca", "dataSteward"),
        created=dt.date(2009, 1, 1), modified=dt.date(2024, 1, 31),
        license_id=OGL_CANADA,
    ),
    dataset(
        "wildfire-fire-perimeters-current",
        "Wildfire Perimeters - Current", ORG_MINISTRY,
        "Perimeters of active wildfires of the current season, updated as fires are mapped.",
        "wildfire, fire perimeters, emergency", FIRE,
        created=dt.date(2017, 7, 10), modified=dt.date(2024, 8, 20),
        links=(("Wildfire situation", f"{HOST}/wildfire/situation"),),
    ),
    dataset(
        "wildfire-fire-perimeters-historical",
        "Wildfire Perimeters - Historical", ORG_MINISTRY,
        "Perimeters of past wildfires since 1917, one polygon per fire and year.",
        "wildfire, fire history, fire perimeters", FIRE,
        created=dt.date(2012, 3, 1), status="completed",
    ),
    dataset(
        "wildfire-weather-stations",
        "Wildfire Weather Stations - Hourly Observations", ORG_MINISTRY,
        "Hourly observations from fire weather stations: temperature, humidity, wind and "
        "precipitation, with the fire weather indices computed from them.",
        "fire weather, weather stations, fire danger", FIRE,
        ("Ana Moreau", "ana.moreau@example.gov.bc.ca", "dataManager"),
        created=dt.date(2011, 5, 1), modified=dt.date(2024, 7, 1),
    ),
    dataset(
        "school-enrolment-by-grade",
        "K-12 School Enrolment by Grade", ORG_AGENCY,
        "Headcount enrolment in public and independent schools, by school year, district, "
        "school and grade.",
        "education, enrolment, schools, students", EDUC,
        created=dt.date(2016, 9, 30), modified=dt.date(2024, 2, 15),
        license_id=KINGS_PRINTER,
        dates_2_type="Published",
    ),
    dataset(
        "school-locations",
        "School Locations - K-12", ORG_AGENCY,
        "Locations of public and independent K-12 schools with their district and "
        "facility type.",
        "education, schools, locations", EDUC,
        created=dt.date(2015, 8, 1),
    ),
    dataset(
        "school-district-boundaries",
        "School District Boundaries", ORG_AGENCY,
        "Boundaries of the province's school districts.",
        "education, school districts, boundaries", EDUC,
        created=dt.date(2014, 5, 2),
    ),
    dataset(
        "provincial-parks-boundaries",
        "Provincial Parks, Ecological Reserves and Protected Areas", ORG_BRANCH,
        "Legal boundaries of provincial parks, ecological reserves, protected areas and "
        "recreation areas.",
        "parks, protected areas, ecological reserves, boundaries", PARKS,
        created=dt.date(2007, 4, 1), modified=dt.date(2024, 4, 1),
    ),
    dataset(
        "park-campground-occupancy",
        "Park Campground Occupancy", ORG_BRANCH,
        "Monthly occupancy of reservable campgrounds in provincial parks.",
        "parks, camping, recreation, visitors", PARKS,
        created=dt.date(2018, 6, 1),
        security_class="PROTECTED A", view_audience="Government",
        download_audience="Government", metadata_visibility="IDIR",
        license_id=ACCESS_ONLY,
    ),
    dataset(
        "population-estimates-municipal",
        "Population Estimates - Municipalities and Regional Districts", ORG_MINISTRY,
        "Annual population estimates as of July 1 for municipalities, regional districts "
        "and development regions.",
        "population, demographics, municipalities", STATS,
        created=dt.date(2010, 1, 15), modified=dt.date(2024, 1, 15),
    ),
    dataset(
        "forest-tenure-cutblocks-2009",
        "Forest Tenure Cutblocks (2009 edition)", ORG_BRANCH,
        "Cutblocks under forest tenures as published in 2009. Replaced by the current "
        "harvest authority layers.",
        "forest tenure, cutblocks, harvest", FOREST,
        created=dt.date(2009, 5, 1), status="obsolete",
        replacement_record=f"{HOST}/dataset/harvest-authority-cutblocks",
    ),
    dataset(
        "stream-temperature-monitoring-1990s",
        "Stream Temperature Monitoring 1992-1999", ORG_MINISTRY,
        "Summer stream temperatures logged at 140 sites in the 1990s. Archived.",
        "stream temperature, water quality, fish habitat", FISH,
        created=dt.date(2000, 3, 1), status="historicalArchive",
        retention_expiry_date=dt.date(2031, 12, 31),
        source_data_path="//archive.example.gov.bc.ca/fish/stream-temperature-1990s",
    ),
    dataset(
        "freshwater-atlas-stream-network",
        "Freshwater Atlas Stream Network", ORG_BRANCH,
        "Stream and river centrelines of the province at 1:20,000, with watershed codes "
        "and stream order.",
        "freshwater atlas, streams, rivers, watersheds", FISH,
        created=dt.date(2008, 11, 1), modified=dt.date(2023, 12, 1),
        license_id=OGL_BC,
    ),
]

TABLE_SCHEMA = (
    '{"fields": [{"name": "school_year", "type": "string"}, '
    '{"name": "district", "type": "string"}, {"name": "grade", "type": "string"}, '
    '{"name": "headcount", "type": "integer"}]}'
)

RESOURCES: list[Row] = [
    bcgw("vri-forest-vegetation-composite-layer-1", "VRI Layer 1 - BCGW layer",
         "WHSE_FOREST_VEGETATION.VEG_COMP_LYR_R1_POLY", "VRI_L1", "farming, environment",
         cycle="annually", object_table_comments="Leading vegetation layer of each polygon.",
         details_1_column_name="SPECIES_CD_1", details_1_data_type="VARCHAR2",
         details_1_column_comments="Leading tree species code",
         details_2_column_name="PROJ_AGE_1", details_2_data_type="NUMBER",
         details_2_column_comments="Projected age of the leading species"),
    wms("vri-forest-vegetation-composite-layer-1",
        "WHSE_FOREST_VEGETATION.VEG_COMP_LYR_R1_POLY"),
    document("vri-forest-vegetation-composite-layer-1", "VRI Layer 1 data dictionary",
             "forest/vri-l1-data-dictionary.pdf", "pdf", rtype="reports",
             cycle="asNeeded"),
    bcgw("vri-forest-cover-depletions", "Forest depletions - BCGW layer",
         "WHSE_FOREST_VEGETATION.VEG_CONSOLIDATED_CUT_BLOCKS_SP", "CUT_BLOCKS",
         "farming"),
    bcgw("fish-passage-assessed-crossings", "Assessed crossings - BCGW layer",
         "WHSE_FISH.PSCIS_ASSESSMENT_SVW", "PSCIS_ASMT", "biota, inlandWaters"),
    document("fish-passage-assessed-crossings", "Assessed crossings - CSV download",
             "fish/assessed-crossings.csv", "csv", cycle="weekly",
             temporal_extent_1_beginning_date=dt.date(2008, 1, 1)),
    resource("fish-passage-assessed-crossings", "Fish passage field app", "application",
             "https://apps.example.gov.bc.ca/fish-passage", "html", "external",
             cycle="asNeeded", rtype="abstraction", access="application"),
    bcgw("fish-passage-habitat-confirmations", "Habitat confirmations - BCGW layer",
         "WHSE_FISH.PSCIS_HABITAT_CONFIRMATION_SVW", "PSCIS_HAB", "biota"),
    document("fish-passage-habitat-confirmations", "Habitat confirmation reports",
             "fish/habitat-confirmation-reports.zip", "zip", rtype="reports"),
    bcgw("groundwater-wells", "Registered wells - BCGW layer",
         "WHSE_WATER_MANAGEMENT.GW_WATER_WELLS_WRBC_SVW", "WELLS", "inlandWaters",
         cycle="daily"),
    resource("groundwater-wells", "Groundwater wells API", "webservice",
             "https://apps.example.gov.bc.ca/gwells/api/v2/", "openapi-json", "external",
             cycle="continual", access="service", projection_name="epsg4326"),
    resource("groundwater-wells", "Groundwater wells search", "application",
             "https://apps.example.gov.bc.ca/gwells/", "html", "external",
             cycle="continual", rtype="abstraction", access="application"),
    document("groundwater-observation-well-levels", "Water levels - daily averages (CSV)",
             "groundwater/obs-well-daily-mean.csv", "csv", cycle="daily",
             temporal_extent_1_beginning_date=dt.date(1961, 1, 1)),
    bcgw("groundwater-observation-well-levels", "Observation wells - BCGW layer",
         "WHSE_WATER_MANAGEMENT.GW_WATER_WELLS_OBS_SVW", "OBS_WELLS", "inlandWaters"),
    bcgw("aquifers-mapped", "Mapped aquifers - BCGW layer",
         "WHSE_WATER_MANAGEMENT.GW_AQUIFERS_CLASSIFICATION_SVW", "AQUIFERS",
         "inlandWaters, geoscientificInformation", cycle="monthly"),
    resource("road-closures-and-events", "Open511 events API", "webservice",
             "https://api.example.gov.bc.ca/open511/events", "json", "external",
             cycle="continual", access="service", projection_name="epsg4326"),
    resource("road-closures-and-events", "Road events - GeoJSON feed", "geographic",
             "https://api.example.gov.bc.ca/open511/events?format=geojson", "geojson",
             "external", cycle="continual", access="service", spatial_datatype="NA",
             projection_name="epsg4326", iso_topic_category="transportation"),
    resource("road-closures-and-events", "DriveBC map", "application",
             "https://drivebc.example.gov.bc.ca/", "html", "external", cycle="continual",
             rtype="abstraction", access="application"),
    resource("highway-webcams", "Webcam locations - GeoJSON", "geographic",
             f"{HOST}/roads/webcams.geojson", "geojson", "catalogue data store",
             cycle="daily", spatial_datatype="NA", projection_name="epsg4326",
             iso_topic_category="transportation"),
    document("traffic-volumes-permanent-counters", "Hourly volumes 2023 (CSV)",
             "roads/traffic-volumes-2023.csv", "csv",
             temporal_extent_1_beginning_date=dt.date(2023, 1, 1),
             temporal_extent_1_end_date=dt.date(2023, 12, 31)),
    document("traffic-volumes-permanent-counters", "Count station list (XLSX)",
             "roads/count-stations.xlsx", "xlsx", cycle="asNeeded"),
    bcgw("wildfire-fire-perimeters-current", "Current fire perimeters - BCGW layer",
         "WHSE_LAND_AND_NATURAL_RESOURCE.PROT_CURRENT_FIRE_POLYS_SP", "CUR_FIRES",
         "environment", cycle="daily"),
    wms("wildfire-fire-perimeters-current",
        "WHSE_LAND_AND_NATURAL_RESOURCE.PROT_CURRENT_FIRE_POLYS_SP"),
    resource("wildfire-fire-perimeters-current", "Current perimeters - KMZ", "geographic",
             f"{HOST}/wildfire/current-perimeters.kmz", "kmz", "pub.data.gov.bc.ca",
             cycle="daily", spatial_datatype="NA", projection_name="epsg4326",
             iso_topic_category="environment"),
    bcgw("wildfire-fire-perimeters-historical", "Historical fire perimeters - BCGW layer",
         "WHSE_LAND_AND_NATURAL_RESOURCE.PROT_HISTORICAL_FIRE_POLYS_SP", "HIST_FIRES",
         "environment", cycle="annually"),
    resource("wildfire-fire-perimeters-historical", "Historical perimeters - File geodatabase",
             "geographic", f"{HOST}/wildfire/historical-perimeters.gdb.zip", "fgdb",
             "pub.data.gov.bc.ca", spatial_datatype="ST_GEOMETRY",
             projection_name="epsg3005", iso_topic_category="environment",
             temporal_extent_1_beginning_date=dt.date(1917, 1, 1)),
    document("wildfire-weather-stations", "Hourly observations - current season (CSV)",
             "wildfire/weather-hourly.csv", "csv", cycle="daily"),
    resource("wildfire-weather-stations", "Fire weather stations - ArcGIS REST",
             "webservice", "https://services.example.gov.bc.ca/arcgis/rest/services/fwx",
             "arcgis_rest", "esri arcgis online", cycle="daily", access="service",
             projection_name="epsg3857"),
    document("school-enrolment-by-grade", "Enrolment by grade 2014-2024 (CSV)",
             "education/enrolment-by-grade.csv", "csv", json_table_schema=TABLE_SCHEMA,
             supplemental_info="Counts below 10 are masked as `msk`."),
    document("school-enrolment-by-grade", "Enrolment data notes",
             "education/enrolment-notes.pdf", "pdf", rtype="reports"),
    resource("school-locations", "School locations - CSV with coordinates", "geographic",
             f"{HOST}/education/school-locations.csv", "csv", "catalogue data store",
             cycle="annually", spatial_datatype="NA", projection_name="epsg4326",
             iso_topic_category="society, location"),
    bcgw("school-district-boundaries", "School district boundaries - BCGW layer",
         "WHSE_TANTALIS.TA_SCHOOL_DISTRICT_BNDRY_SVW", "SD_BNDRY", "boundaries",
         cycle="asNeeded"),
    bcgw("provincial-parks-boundaries", "Parks and protected areas - BCGW layer",
         "WHSE_TANTALIS.TA_PARK_ECORES_PA_SVW", "PARKS", "boundaries, environment",
         cycle="monthly"),
    wms("provincial-parks-boundaries", "WHSE_TANTALIS.TA_PARK_ECORES_PA_SVW"),
    document("park-campground-occupancy", "Monthly campground occupancy (XLSX)",
             "parks/campground-occupancy.xlsx", "xlsx", cycle="monthly",
             access="indirect access"),
    document("population-estimates-municipal", "Population estimates 2011-2024 (CSV)",
             "stats/population-estimates.csv", "csv",
             temporal_extent_1_beginning_date=dt.date(2011, 7, 1),
             temporal_extent_1_end_date=dt.date(2024, 7, 1)),
    resource("population-estimates-municipal", "Population dashboard", "application",
             "https://apps.example.gov.bc.ca/population", "html", "external",
             rtype="abstraction", access="application"),
    document("forest-tenure-cutblocks-2009", "Cutblocks 2009 (shapefile)",
             "forest/cutblocks-2009.zip", "shp", cycle="notPlanned"),
    document("stream-temperature-monitoring-1990s", "Stream temperatures 1992-1999 (CSV)",
             "fish/stream-temperature-1990s.csv", "csv", cycle="notPlanned",
             temporal_extent_1_beginning_date=dt.date(1992, 5, 1),
             temporal_extent_1_end_date=dt.date(1999, 10, 31)),
    bcgw("freshwater-atlas-stream-network", "Stream network - BCGW layer",
         "WHSE_BASEMAPPING.FWA_STREAM_NETWORKS_SP", "FWSTRMNTWR", "inlandWaters",
         cycle="asNeeded"),
    resource("freshwater-atlas-stream-network", "Stream network - GeoPackage", "geographic",
             f"{HOST}/fwa/stream-network.gpkg", "gpkg", "pub.data.gov.bc.ca",
             cycle="asNeeded", spatial_datatype="NA", projection_name="epsg3005",
             iso_topic_category="inlandWaters"),
]
