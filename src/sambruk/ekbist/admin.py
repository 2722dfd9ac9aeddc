from django.contrib import admin

from .models import CommonCost, HousingCap, LocalGuideline, NormYear, PersonalCost


class PersonalCostInline(admin.TabularInline):
    model = PersonalCost
    extra = 0


class CommonCostInline(admin.TabularInline):
    model = CommonCost
    extra = 0
    max_num = 7


@admin.register(NormYear)
class NormYearAdmin(admin.ModelAdmin):
    list_display = ["year", "adult_single", "adults_couple", "extra_member_increment"]
    inlines = [PersonalCostInline, CommonCostInline]


class HousingCapInline(admin.TabularInline):
    model = HousingCap
    extra = 0


@admin.register(LocalGuideline)
class LocalGuidelineAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "source"]
    list_filter = ["year"]
    autocomplete_fields = ["organisation"]
    inlines = [HousingCapInline]
