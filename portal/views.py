from django.shortcuts import render


def home(request):
    return render(request, "portal/home.html")


def code_of_conduct(request):
    return render(request, "portal/code_of_conduct.html")
